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
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS, MAX_FRAME_BYTES } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { hash64 } from '../ring/index.js'
import { encodeFrame } from '../protocol/frames.js'
import { RemoteError } from '../protocol/remote-error.js'
import { decodeRecord } from '../store/record.js'
import { ArcSet } from './arc-set.js'
import { FrameReader } from './frame-reader.js'
import { PullReply, PullRequest } from './pb/transfer.js'
import { openStream } from '../reach/open-stream.js'
import type { Arc } from './arc-set.js'
import type { KvRecord } from '../store/record.js'
import type { Libp2p } from '@libp2p/interface'

/** entries one reply may carry at most (a batch is bounded in bytes; this bounds decoding) */
const MAX_REPLY_ENTRIES = 100_000
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
  const { libp2p, holder, timeoutMs } = init
  const arcs = new ArcSet(init.arcs)
  const signal = AbortSignal.any([AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS), ...(init.signal === undefined ? [] : [init.signal])])
  const stream = await openStream(libp2p, peerIdFromString(holder), init.protocol, { signal, runOnLimitedConnection: true })
  const reader = new FrameReader(stream, MAX_FRAME_BYTES, 1)
  let after = init.after
  try {
    for (;;) {
      if (init.signal?.aborted === true) throw new ProtocolError('transfer stopped')
      stream.send(encodeFrame(PullRequest.encode({
        arcs: init.arcs.map(a => ({ start: a.start, end: a.end })),
        after,
        maxBytes: init.batchBytes
      })))
      const frame = await reader.next(timeoutMs)
      let reply: PullReply
      try {
        reply = PullReply.decode(frame, { limits: { entries: MAX_REPLY_ENTRIES } })
      } catch (err) {
        throw new ProtocolError(`malformed transfer reply from ${holder.slice(-8)}: ${(err as Error).message}`)
      }
      if (reply.errorCode !== '') throw new RemoteError(holder, reply.errorCode, reply.error.slice(0, 1024))
      let bytes = 0
      const records: Array<[string, KvRecord]> = []
      for (const e of reply.entries) {
        if (!arcs.has(hash64(e.key))) throw new ProtocolError(`transfer reply from ${holder.slice(-8)} holds key outside the arcs asked for`)
        records.push([e.key, decodeRecord(e.record, { maxValueBytes: init.maxValueBytes })])
        bytes += e.record.byteLength + e.key.length
      }
      for (let i = 0; i < records.length; i += MERGE_CONCURRENCY) {
        await Promise.all(records.slice(i, i + MERGE_CONCURRENCY).map(async ([k, r]) => init.merge(k, r)))
      }
      // a holder scans forward from the cursor: a reply that is not done moves it, or the pull would never end
      if (!reply.done && (reply.next === undefined || reply.next === after)) throw new ProtocolError(`transfer reply from ${holder.slice(-8)} makes no progress: not done and the cursor did not move`)
      if (reply.next !== undefined) after = reply.next
      await init.onBatch(after, records.length, bytes)
      if (reply.done) break
    }
    await stream.close().catch(err => { stream.abort(err) })
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}
