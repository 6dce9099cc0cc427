/**
 * The initiator's stream to one co-replica for one exchange: one request at
 * a time, each with a deadline, replies matched by id. Bytes both ways are
 * counted (frames as sent), for the rate limit and the report.
 */
import { encodeFrame, frameDecoder } from '../protocol/frames.js'
import { MAX_FRAME_BYTES } from '../constants.js'
import { ProtocolError, RecordTooLargeError, TimeoutError } from '../errors.js'
import { Request, Status } from './pb/ae.js'
import { remoteError } from './remote.js'
import { decodeResponse } from './wire.js'
import type { AeTransport } from './exchange.js'
import type { Response } from './pb/ae.js'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

export class AeSession implements AeTransport {
  bytes = 0
  private nextId = 1
  private pending?: { id: number, resolve: (res: Response) => void, reject: (err: Error) => void }
  private ended?: Error

  constructor (private readonly stream: Stream, private readonly peer: string, private readonly timeoutMs: number) {
    const decoder = frameDecoder(MAX_FRAME_BYTES)
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        this.bytes += evt.data.byteLength
        for (const frame of decoder.decode(evt.data)) {
          const res = decodeResponse(frame)
          const p = this.pending
          if (p === undefined || p.id !== res.id) throw new ProtocolError(`reply ${res.id} to no request`)
          this.pending = undefined
          if (res.status === Status.ERROR) p.reject(remoteError(peer, res))
          else p.resolve(res)
        }
      } catch (err) {
        this.fail(new ProtocolError(`bad anti-entropy reply: ${(err as Error).message}`))
        stream.abort(this.ended as Error)
      }
    })
    stream.addEventListener('close', (evt) => { this.fail(new ProtocolError(`stream ended${evt.error != null ? `: ${evt.error.message}` : ''}`)) })
    stream.addEventListener('remoteCloseWrite', () => { this.fail(new ProtocolError('peer closed the stream')) })
  }

  async request (req: Omit<Partial<Request>, 'id'>): Promise<Response> {
    if (this.ended !== undefined) throw this.ended
    if (this.pending !== undefined) throw new ProtocolError('one anti-entropy request at a time')
    const id = this.nextId++
    const message = Request.encode({ ...req, id, timeout: this.timeoutMs })
    if (message.byteLength > MAX_FRAME_BYTES) throw RecordTooLargeError.frame('anti-entropy request', message.byteLength, MAX_FRAME_BYTES)
    const frame = encodeFrame(message)
    let timer: ReturnType<typeof setTimeout> | undefined
    const reply = new Promise<Response>((resolve, reject) => {
      this.pending = { id, resolve, reject }
      timer = setTimeout(() => {
        this.fail(new TimeoutError(`no anti-entropy reply within ${this.timeoutMs} ms`))
        this.stream.abort(this.ended as Error)
      }, this.timeoutMs)
    })
    // handled here too: a failed send leaves it to be rejected with no one awaiting it
    reply.catch(() => {})
    try {
      this.bytes += frame.byteLength
      if (!this.stream.send(frame)) await this.stream.onDrain({ signal: AbortSignal.timeout(this.timeoutMs) })
      return await reply
    } finally {
      clearTimeout(timer)
    }
  }

  async close (): Promise<void> {
    this.fail(new ProtocolError('session closed'))
    await this.stream.close().catch(err => { this.stream.abort(err) })
  }

  private fail (err: Error): void {
    this.ended ??= err
    const p = this.pending
    this.pending = undefined
    p?.reject(err)
  }
}
