/**
 * Frames read one at a time from a stream, for an exchange that asks and
 * waits (range transfer): each `next()` has a deadline, at most `maxQueued`
 * frames wait unread (more is a peer ignoring the exchange: the stream is
 * aborted), and a bad frame or the stream's end fails the reader with a
 * ProtocolError.
 */
import { ProtocolError, TimeoutError } from '../errors.js'
import { frameDecoder } from '../protocol/frames.js'
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export class FrameReader {
  private readonly queue: Uint8ArrayList[] = []
  private waiter?: { resolve: (f: Uint8ArrayList) => void, reject: (err: Error) => void }
  private failure?: Error

  constructor (private readonly stream: Stream, maxFrameBytes: number, private readonly maxQueued = 2) {
    const decoder = frameDecoder(maxFrameBytes)
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        for (const frame of decoder.decode(evt.data)) {
          if (this.waiter !== undefined) {
            const w = this.waiter
            this.waiter = undefined
            w.resolve(frame)
          } else if (this.queue.length >= this.maxQueued) {
            throw new Error(`more than ${this.maxQueued} frames sent unasked`)
          } else this.queue.push(frame)
        }
      } catch (err) {
        const failure = new ProtocolError(`bad transfer frame: ${(err as Error).message}`)
        this.fail(failure)
        stream.abort(failure)
      }
    })
    stream.addEventListener('close', (evt: StreamCloseEvent) => {
      this.fail(new ProtocolError(`transfer stream ended${evt.error != null ? `: ${evt.error.message}` : ''}`))
    })
    stream.addEventListener('remoteCloseWrite', () => { this.fail(new ProtocolError('transfer stream closed by the peer')) })
  }

  /** The next frame, within `timeoutMs`. */
  async next (timeoutMs: number): Promise<Uint8ArrayList> {
    const queued = this.queue.shift()
    if (queued !== undefined) return queued
    if (this.failure !== undefined) throw this.failure
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined
        reject(new TimeoutError(`no transfer reply within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiter = {
        resolve: (f) => { clearTimeout(timer); resolve(f) },
        reject: (err) => { clearTimeout(timer); reject(err) }
      }
    })
  }

  private fail (err: Error): void {
    this.failure ??= err
    const w = this.waiter
    this.waiter = undefined
    w?.reject(err)
  }
}
