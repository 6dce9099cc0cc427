/**
 * One long-lived, pipelined kv stream to one peer. Requests carry ids and
 * share the stream; a response settles its request by id. Opening a yamux
 * stream per request costs ~6x a round trip on an open one, hence this.
 * Bounds: MAX_INFLIGHT_PER_PEER requests in flight (more callers wait, within
 * their own deadline); every request has a deadline; a request over the
 * frame bound is refused before it is sent (the remote would abort the whole
 * stream, failing every request on it).
 */
import { DEFAULT_DIAL_TIMEOUT_MS, MAX_FRAME_BYTES, MAX_INFLIGHT_PER_PEER } from '../constants.js'
import { ProtocolError, RecordTooLargeError, TimeoutError } from '../errors.js'
import { FrameDecoder } from './frames.js'
import { FrameWriter } from './frame-writer.js'
import { RequestDeadline } from './request-deadline.js'
import { Response } from './pb/kv.js'
import { encodeRequest } from './kv-codec.js'
import type { Request } from './pb/kv.js'
import type { Logger, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

export type StreamOpener = (signal: AbortSignal) => Promise<Stream>

interface Pending {
  resolve: (res: Response) => void
  reject: (err: Error) => void
}

/** Bytes queued on the stream before senders wait for it to drain. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024

export class PeerChannel {
  private stream?: Stream
  /** each stream's writer: the frames made ready in one turn go out as one write */
  private readonly writers = new WeakMap<Stream, FrameWriter>()
  private opening?: Promise<Stream>
  private readonly pending = new Map<number, Pending>()
  private readonly slotWaiters: Array<() => void> = []
  private nextId = 1
  /** requests holding a slot: counted before any await, so a burst cannot pass the bound */
  private slots = 0
  private readonly lifetime = new AbortController()
  private closed = false

  constructor (
    private readonly open: StreamOpener,
    private readonly log: Logger,
    private readonly onStreamOpened: () => void = () => {},
    private readonly maxFrameBytes: number = MAX_FRAME_BYTES
  ) {}

  get inflight (): number {
    return this.pending.size
  }

  async request (req: Omit<Partial<Request>, 'id'>, timeoutMs: number): Promise<Response> {
    if (this.closed) throw new ProtocolError('channel closed')
    const deadline = new RequestDeadline(timeoutMs)
    const onAbort = (): TimeoutError => new TimeoutError(`no reply within ${timeoutMs} ms`)
    try {
      await this.takeSlot(deadline, onAbort)
    } catch (err) {
      deadline.clear()
      throw err
    }
    try {
      return await this.requestWithSlot(req, deadline, onAbort)
    } finally {
      deadline.clear()
      this.slots--
      this.slotWaiters.shift()?.()
    }
  }

  private async requestWithSlot (req: Omit<Partial<Request>, 'id'>, deadline: RequestDeadline, onAbort: () => TimeoutError): Promise<Response> {
    const stream = this.openStream() ?? await this.getStream(deadline.signal).catch(err => {
      throw deadline.expired ? onAbort() : err
    })
    if (this.closed) throw new ProtocolError('channel closed')
    if (deadline.expired) throw onAbort()
    const id = this.allocateId()
    const message = encodeRequest(req, id)
    if (message.byteLength > this.maxFrameBytes) throw RecordTooLargeError.frame('request', message.byteLength, this.maxFrameBytes)
    const result = new Promise<Response>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
    })
    deadline.whenExpired(() => { this.settle(id)?.reject(onAbort()) })
    try {
      const writer = this.writers.get(stream) as FrameWriter
      if (stream.writeBufferLength + writer.pendingBytes > MAX_QUEUED_BYTES) {
        writer.flush()
        await stream.onDrain({ signal: deadline.signal })
      }
      writer.write(message)
      return await result
    } catch (err) {
      this.settle(id)
      throw deadline.expired ? onAbort() : err
    } finally {
      deadline.whenExpired(undefined)
    }
  }

  async close (): Promise<void> {
    this.closed = true
    this.lifetime.abort()
    this.failAll(new ProtocolError('channel closed'))
    const stream = this.stream
    this.stream = undefined
    await stream?.close().catch(err => { stream.abort(err) })
  }

  private allocateId (): number {
    do {
      this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1
    } while (this.pending.has(this.nextId))
    return this.nextId
  }

  private settle (id: number): Pending | undefined {
    const p = this.pending.get(id)
    if (p === undefined) return undefined
    this.pending.delete(id)
    return p
  }

  private async takeSlot (deadline: RequestDeadline, onAbort: () => Error): Promise<void> {
    while (this.slots >= MAX_INFLIGHT_PER_PEER) {
      if (this.slotWaiters.length >= MAX_INFLIGHT_PER_PEER) throw new ProtocolError('too many requests waiting for this peer')
      const signal = deadline.signal
      if (signal.aborted) throw onAbort()
      await new Promise<void>((resolve, reject) => {
        const waiter = (): void => { signal.removeEventListener('abort', aborted); resolve() }
        const aborted = (): void => {
          const i = this.slotWaiters.indexOf(waiter)
          if (i >= 0) this.slotWaiters.splice(i, 1)
          reject(onAbort())
        }
        this.slotWaiters.push(waiter)
        signal.addEventListener('abort', aborted, { once: true })
      })
    }
    this.slots++
  }

  /** the stream when it is open and writable (no wait, no signal) */
  private openStream (): Stream | undefined {
    const stream = this.stream
    return stream !== undefined && stream.status === 'open' && stream.writeStatus === 'writable' ? stream : undefined
  }

  private async getStream (signal: AbortSignal): Promise<Stream> {
    const open = this.openStream()
    if (open !== undefined) return open
    // the open is shared, so it runs on the channel's deadline, not the first caller's
    this.opening ??= this.open(AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS)])).then(stream => {
      if (this.closed) {
        stream.close().catch(err => { stream.abort(err) })
        throw new ProtocolError('channel closed')
      }
      this.attach(stream)
      this.onStreamOpened()
      return stream
    }, err => {
      throw this.closed ? new ProtocolError('channel closed') : err
    }).finally(() => { this.opening = undefined })
    const opening = this.opening
    return new Promise<Stream>((resolve, reject) => {
      const aborted = (): void => { reject(signal.reason) }
      signal.addEventListener('abort', aborted, { once: true })
      opening.then(resolve, reject).finally(() => { signal.removeEventListener('abort', aborted) })
    })
  }

  private attach (stream: Stream): void {
    this.stream = stream
    this.writers.set(stream, new FrameWriter(stream))
    const decoder = new FrameDecoder(this.maxFrameBytes)
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        for (const frame of decoder.decode(evt.data)) {
          const res = Response.decode(frame, { limits: { acked: 64, context: 4096, quorum: { answered: 64, failed: 64 } } })
          this.settle(res.id)?.resolve(res)
        }
      } catch (err) {
        this.log.error('bad frame from peer, dropping stream: %s', (err as Error).message)
        stream.abort(new ProtocolError(`bad frame: ${(err as Error).message}`))
      }
    })
    const onEnd = (evt?: StreamCloseEvent): void => {
      if (this.stream !== stream) return
      this.stream = undefined
      this.failAll(new ProtocolError(`stream to peer ended${evt?.error != null ? `: ${evt.error.message}` : ''}`))
      if (stream.status === 'open') stream.close().catch(err => { stream.abort(err) })
    }
    stream.addEventListener('close', onEnd)
    stream.addEventListener('remoteCloseWrite', () => { onEnd() })
  }

  private failAll (err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err)
  }
}
