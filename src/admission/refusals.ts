/**
 * How each gated protocol tells a non-member no: the first request on the
 * stream gets a typed ERR_NOT_A_MEMBER reply in that protocol's own format,
 * then the stream is closed. Only the first bytes of the request are looked
 * at (its id): nothing an outsider sends is decoded whole, buffered or
 * stored.
 */
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeFrame } from '../protocol/frames.js'
import { Response as KvResponse, Status as KvStatus } from '../protocol/pb/kv.js'
import { Response as AeResponse, Status as AeStatus } from '../antientropy/pb/ae.js'
import { PullReply } from '../handoff/pb/transfer.js'
import type { NotAMemberError } from '../errors.js'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

/** The reply to a request with this id. */
export type Refusal = (id: number, err: NotAMemberError) => Uint8Array

export const refuseKv: Refusal = (id, err) => KvResponse.encode({ id, status: KvStatus.ERROR, code: err.code, message: err.message })
export const refuseAe: Refusal = (id, err) => AeResponse.encode({ id, status: AeStatus.ERROR, code: err.code, message: err.message })
export const refuseTransfer: Refusal = (_id, err) => PullReply.encode({ entries: [], done: false, errorCode: err.code, error: err.message })

/** how long a refused stream may stay silent before it is reset (ms) */
const REFUSAL_IDLE_MS = 5_000

/**
 * The request id at the start of a frame (field 1, a varint, comes first
 * when set): 0 when the bytes do not start that way.
 */
export function leadingRequestId (bytes: Uint8Array): number {
  try {
    const len = varint.encodingLength(varint.decode(bytes))
    if (bytes[len] !== 0x08) return 0
    const id = varint.decode(bytes, len + 1)
    return Number.isSafeInteger(id) && id >= 0 && id <= 0xffffffff ? id : 0
  } catch {
    return 0
  }
}

/** Answer the stream's first request with `err`, then close it. */
export function refuseStream (stream: Stream, err: NotAMemberError, refusal: Refusal): void {
  const timer = setTimeout(() => { stream.abort(err) }, REFUSAL_IDLE_MS)
  let answered = false
  stream.addEventListener('message', (evt: StreamMessageEvent) => {
    if (answered) return
    answered = true
    clearTimeout(timer)
    const data = evt.data instanceof Uint8ArrayList ? evt.data.subarray(0, Math.min(evt.data.byteLength, 32)) : evt.data.subarray(0, 32)
    try {
      if (stream.writeStatus === 'writable') stream.send(encodeFrame(refusal(leadingRequestId(data), err)))
      stream.close({ signal: AbortSignal.timeout(REFUSAL_IDLE_MS) }).catch(e => { stream.abort(e) })
    } catch (e) {
      stream.abort(e as Error)
    }
  })
  stream.addEventListener('close', () => { clearTimeout(timer) })
}
