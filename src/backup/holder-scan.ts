/**
 * Every record a holder stores, in its storage order, pulled over the range
 * transfer protocol (one batch a request on one stream, the whole ring as
 * the arc): the same pulls a joiner makes, so no new peer protocol, and the
 * holder's scan bounds (bytes, records, time per reply) apply. The next
 * batch is asked for only when the consumer wants it: backpressure is the
 * export's pace, and one batch per holder is held at most.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS, MAX_FRAME_BYTES } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { encodeFrame } from '../protocol/frames.js'
import { RemoteError } from '../protocol/remote-error.js'
import { FrameReader } from '../handoff/frame-reader.js'
import { PullReply, PullRequest } from '../handoff/pb/transfer.js'
import { openStream } from '../reach/open-stream.js'
import type { Libp2p } from '@libp2p/interface'

/** entries one reply may carry at most (the holder sends 10,000 at most) */
const MAX_REPLY_ENTRIES = 100_000

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
  const { holder } = init
  const signal = AbortSignal.any([AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS), ...(init.signal === undefined ? [] : [init.signal])])
  const stream = await openStream(init.libp2p, peerIdFromString(holder), init.protocol, { signal, runOnLimitedConnection: true })
  const reader = new FrameReader(stream, MAX_FRAME_BYTES, 1)
  let after: string | undefined
  let ok = false
  try {
    for (;;) {
      if (init.signal?.aborted === true) throw new ProtocolError('export stopped')
      // start == end: the whole ring
      stream.send(encodeFrame(PullRequest.encode({ arcs: [{ start: 0n, end: 0n }], after, maxBytes: init.batchBytes })))
      const frame = await reader.next(init.timeoutMs)
      let reply: PullReply
      try {
        reply = PullReply.decode(frame, { limits: { entries: MAX_REPLY_ENTRIES } })
      } catch (err) {
        throw new ProtocolError(`malformed transfer reply from ${holder.slice(-8)}: ${(err as Error).message}`)
      }
      if (reply.errorCode !== '') throw new RemoteError(holder, reply.errorCode, reply.error.slice(0, 1024))
      for (const e of reply.entries) yield [e.key, e.record]
      if (!reply.done && (reply.next === undefined || reply.next === after)) throw new ProtocolError(`transfer reply from ${holder.slice(-8)} makes no progress`)
      if (reply.next !== undefined) after = reply.next
      if (reply.done) break
    }
    ok = true
  } finally {
    if (ok) await stream.close().catch(err => { stream.abort(err) })
    else stream.abort(new ProtocolError('export scan ended early'))
  }
}
