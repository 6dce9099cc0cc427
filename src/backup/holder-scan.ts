/**
 * Every record a holder stores, in its storage order, pulled over the range
 * transfer protocol (one batch a request on one stream, the whole ring as
 * the arc): the same pulls a joiner makes, so no new peer protocol, and the
 * holder's scan bounds (bytes, records, time per reply) apply. The next
 * batch is asked for only when the consumer wants it: backpressure is the
 * export's pace, and one batch per holder is held at most.
 */
import { pullBatches } from '../handoff/pull-batches.js'
import type { Libp2p } from '@libp2p/interface'

export interface HolderScanInit {
  libp2p: Libp2p
  protocol: string
  holder: string
  batchBytes: number
  /** deadline of each reply (ms) */
  timeoutMs: number
  signal?: AbortSignal
}

/** [key, encoded record] pairs in the holder's storage order. */
export async function * holderScan (init: HolderScanInit): AsyncGenerator<[string, Uint8Array]> {
  // start == end: the whole ring
  for await (const batch of pullBatches({ ...init, arcs: [{ start: 0n, end: 0n }], what: 'export' })) {
    for (const e of batch.entries) yield [e.key, e.record]
  }
}
