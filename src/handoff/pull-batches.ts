/**
 * The asking side of the range transfer protocol on one stream: a pull for
 * the arcs after the cursor, one batch back, the next pull only when the
 * consumer asks for the next batch (backpressure is its pace), until the
 * holder says it scanned to its end. Shared by a joiner's pull
 * (transfer-receiver.ts) and an export's scan of a holder
 * (src/backup/holder-scan.ts). Each reply has a deadline; a malformed one,
 * an error reply, or one that does not move the cursor fails the pull with
 * a typed error.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS, MAX_FRAME_BYTES } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { encodeFrame } from '../protocol/frames.js'
import { RemoteError } from '../protocol/remote-error.js'
import { FrameReader } from './frame-reader.js'
import { PullReply, PullRequest } from './pb/transfer.js'
import { openStream } from '../reach/open-stream.js'
import type { Libp2p } from '@libp2p/interface'

/** entries one reply may carry at most (a batch is bounded in bytes, the holder sends 10,000 at most; this bounds decoding) */
const MAX_REPLY_ENTRIES = 100_000

export interface PullBatchesInit {
  libp2p: Libp2p
  protocol: string
  holder: string
  /** the arcs asked for; start == end: the whole ring */
  arcs: ReadonlyArray<{ start: bigint, end: bigint }>
  /** resume after this key (undefined: from the start) */
  after?: string
  batchBytes: number
  /** deadline of each reply (ms) */
  timeoutMs: number
  signal?: AbortSignal
  /** what pulls, in errors: "transfer", "export" */
  what: string
}

export interface PullBatch {
  entries: Array<{ key: string, record: Uint8Array }>
  /** the cursor after this batch: the next pull resumes after it */
  after: string | undefined
  done: boolean
}

export async function * pullBatches (init: PullBatchesInit): AsyncGenerator<PullBatch> {
  const { holder } = init
  const signal = AbortSignal.any([AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS), ...(init.signal === undefined ? [] : [init.signal])])
  const stream = await openStream(init.libp2p, peerIdFromString(holder), init.protocol, { signal, runOnLimitedConnection: true })
  const reader = new FrameReader(stream, MAX_FRAME_BYTES, 1)
  const arcs = init.arcs.map(a => ({ start: a.start, end: a.end }))
  let after = init.after
  let ended = false
  try {
    for (;;) {
      if (init.signal?.aborted === true) throw new ProtocolError(`${init.what} stopped`)
      stream.send(encodeFrame(PullRequest.encode({ arcs, after, maxBytes: init.batchBytes })))
      const frame = await reader.next(init.timeoutMs)
      let reply: PullReply
      try {
        reply = PullReply.decode(frame, { limits: { entries: MAX_REPLY_ENTRIES } })
      } catch (err) {
        throw new ProtocolError(`malformed transfer reply from ${holder.slice(-8)}: ${(err as Error).message}`)
      }
      if (reply.errorCode !== '') throw new RemoteError(holder, reply.errorCode, reply.error.slice(0, 1024))
      // a holder scans forward from the cursor: a reply that is not done moves it, or the pull would never end
      if (!reply.done && (reply.next === undefined || reply.next === after)) throw new ProtocolError(`transfer reply from ${holder.slice(-8)} makes no progress: not done and the cursor did not move`)
      if (reply.next !== undefined) after = reply.next
      yield { entries: reply.entries, after, done: reply.done }
      if (reply.done) break
    }
    ended = true
    await stream.close().catch(err => { stream.abort(err) })
  } catch (err) {
    ended = true
    stream.abort(err as Error)
    throw err
  } finally {
    // the consumer stopped asking before the holder's end
    if (!ended) stream.abort(new ProtocolError(`${init.what} ended early`))
  }
}
