/**
 * The joiner's side of a range transfer: pulls the records of some arcs
 * from one holder, batch by batch on one stream, merging each batch through
 * the replica's merge path (DVV sync, so a record already here, or newer
 * here, loses nothing) before asking for the next: backpressure is this
 * side's pace. After each merged batch the cursor goes to `onBatch` to be
 * persisted, so a restarted joiner resumes there. A reply that is
 * malformed, names a key outside the arcs, or reports an error fails the
 * pull with a typed error.
 */
import { ProtocolError } from '../errors.js'
import { hash64 } from '../ring/index.js'
import { decodeRecord } from '../store/record.js'
import { ArcSet } from './arc-set.js'
import { pullBatches } from './pull-batches.js'
import type { Arc } from './arc-set.js'
import type { KvRecord } from '../store/record.js'
import type { Libp2p } from '@libp2p/interface'

/** merges of one batch run at most this many at once */
const MERGE_CONCURRENCY = 32

export interface PullInit {
  libp2p: Libp2p
  protocol: string
  holder: string
  arcs: readonly Arc[]
  /** resume after this key (undefined: from the start) */
  after?: string
  batchBytes: number
  /** deadline of each reply (ms) */
  timeoutMs: number
  maxValueBytes: number
  merge: (key: string, record: KvRecord) => Promise<unknown>
  /** a batch was merged: persist the cursor */
  onBatch: (cursor: string | undefined, keys: number, bytes: number) => Promise<void>
  signal?: AbortSignal
}

/** Pull every record of the arcs after the cursor from the holder; resolves when the holder has scanned to its end. */
export async function pullArcs (init: PullInit): Promise<void> {
  const { holder } = init
  const arcs = new ArcSet(init.arcs)
  for await (const batch of pullBatches({ ...init, what: 'transfer' })) {
    let bytes = 0
    const records: Array<[string, KvRecord]> = []
    for (const e of batch.entries) {
      if (!arcs.has(hash64(e.key))) throw new ProtocolError(`transfer reply from ${holder.slice(-8)} holds key outside the arcs asked for`)
      records.push([e.key, decodeRecord(e.record, { maxValueBytes: init.maxValueBytes })])
      bytes += e.record.byteLength + e.key.length
    }
    for (let i = 0; i < records.length; i += MERGE_CONCURRENCY) {
      await Promise.all(records.slice(i, i + MERGE_CONCURRENCY).map(async ([k, r]) => init.merge(k, r)))
    }
    await init.onBatch(batch.after, records.length, bytes)
  }
}
