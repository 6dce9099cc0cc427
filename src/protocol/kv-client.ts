/**
 * Typed requests to other peers' replicas over one pipelined channel per peer.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { encodeRecord, decodeRecord, isEncodingOf } from '../store/record.js'
import { CircuitOpenError, MeshError, ProtocolError } from '../errors.js'
import { PeerChannel } from './peer-channel.js'
import { Status } from './pb/kv.js'
import { RequestType } from './request-type.js'
import { remoteError } from './remote-error.js'
import { recordDigest } from './record-digest.js'
import { newRequest } from './kv-codec.js'
import { openStream } from '../reach/open-stream.js'
import type { Request, Response } from './pb/kv.js'
import type { KvMetrics } from './metrics.js'
import type { CoordinatedPut, PutOutcome } from './service.js'
import type { KvRecord } from '../store/record.js'
import type { RequestTrace } from '../observability/request-trace.js'
import type { Libp2p, Logger } from '@libp2p/interface'
import type { Breakers } from './circuit-breaker.js'

export interface KvClientInit {
  libp2p: Libp2p
  protocol: string
  log: Logger
  metrics: KvMetrics
  maxValueBytes: number
  /** a circuit breaker per peer: a peer that keeps timing out is failed at once (CircuitOpenError) */
  breakers?: Breakers
  /** a breaker opened or closed */
  onBreaker?: (peer: string, state: 'open' | 'closed') => void
}

/** A failure that says the peer is unwell (no answer, no connection), not a reply it gave. */
function peerFailure (err: unknown): boolean {
  if (!(err instanceof MeshError)) return true
  return err.code === 'ERR_TIMEOUT' || (err.code === 'ERR_PROTOCOL' && /channel closed|stream to peer ended/.test(err.message))
}

export class KvClient {
  private readonly channels = new Map<string, PeerChannel>()

  constructor (private readonly init: KvClientInit) {}

  /**
   * A peer's record for key. `likely`: a record the caller holds (its own
   * replica's); the request carries its digest, and a peer that holds the
   * same record answers "same" without sending it (a digest read,
   * src/protocol/record-digest.ts); a reply that is byte for byte its
   * encoding is answered with that very record, not decoded again (replicas
   * in sync, the usual case).
   */
  async get (peer: string, key: string, timeoutMs: number, trace?: RequestTrace, likely?: KvRecord): Promise<KvRecord | undefined> {
    const digest = likely === undefined ? undefined : recordDigest(encodeRecord(likely))
    const req = newRequest(RequestType.GET, key)
    if (digest !== undefined) req.digest = digest
    const res = await this.call(peer, req, timeoutMs, trace)
    if (res.status === Status.NOT_FOUND) return undefined
    if (res.same) {
      if (digest === undefined || likely === undefined) throw new ProtocolError('GET reply "same" to a request without a digest')
      this.init.metrics.sameReply()
      return likely
    }
    if (res.record == null) throw new ProtocolError('GET reply without a record')
    if (likely !== undefined && isEncodingOf(res.record, likely)) return likely
    return decodeRecord(res.record, { maxValueBytes: this.init.maxValueBytes })
  }

  /** Merge a record into a peer's replica; `hintFor`: the peer stands in for that owner and keeps a hint (sloppy quorum). */
  async sync (peer: string, key: string, record: KvRecord, timeoutMs: number, hintFor?: string, trace?: RequestTrace): Promise<void> {
    const req = newRequest(RequestType.SYNC, key)
    req.record = encodeRecord(record) as Uint8Array<ArrayBuffer>
    req.hintFor = hintFor ?? ''
    await this.call(peer, req, timeoutMs, trace)
  }

  async put (peer: string, put: CoordinatedPut): Promise<PutOutcome> {
    const { sibling } = put
    const req = newRequest(RequestType.PUT, put.key)
    req.value = sibling.value === null ? undefined : sibling.value as Uint8Array<ArrayBuffer>
    req.tombstone = sibling.value === null
    req.context = put.context.map(([actor, counter]) => ({ actor, counter: BigInt(counter) }))
    if (put.contextWrites !== undefined) req.contextWrites = put.contextWrites as Array<Uint8Array<ArrayBuffer>>
    req.n = put.n
    req.w = put.w
    req.timeout = put.timeoutMs
    if (sibling.writeId !== undefined) req.writeId = sibling.writeId as Uint8Array<ArrayBuffer>
    const res = await this.call(peer, req, put.timeoutMs, put.trace)
    if (res.record == null) throw new ProtocolError('PUT reply without the stored record')
    return { acked: res.acked, record: decodeRecord(res.record, { maxValueBytes: this.init.maxValueBytes }) }
  }

  /** requests sent and not yet answered, over all peers (a queue depth gauge) */
  get inflight (): number {
    let n = 0
    for (const ch of this.channels.values()) n += ch.inflight
    return n
  }

  /** Drop the channel to a peer that left. */
  async forget (peer: string): Promise<void> {
    this.init.breakers?.forget(peer)
    const ch = this.channels.get(peer)
    this.channels.delete(peer)
    await ch?.close()
  }

  async close (): Promise<void> {
    await Promise.all([...this.channels.keys()].map(async p => { await this.forget(p) }))
  }

  private async call (peer: string, req: Request, timeoutMs: number, trace?: RequestTrace): Promise<Response> {
    const started = performance.now()
    const type = req.type ?? 0
    const breaker = this.init.breakers?.get(peer)
    if (breaker !== undefined && !breaker.allow()) {
      this.init.metrics.sent(type, 'ERR_CIRCUIT_OPEN', 0)
      throw new CircuitOpenError(peer, breaker.retryInMs())
    }
    let answered = false
    if (trace !== undefined) {
      req.requestId = trace.requestId ?? ''
      req.traceparent = trace.traceparent ?? ''
    }
    try {
      const res = await this.channel(peer).request(req, timeoutMs)
      answered = true
      const wasClosed = breaker?.current === 'closed'
      breaker?.success()
      if (breaker !== undefined && !wasClosed) this.init.onBreaker?.(peer, 'closed')
      if (res.status === Status.ERROR) throw remoteError(peer, res)
      this.init.metrics.sent(type, 'ok', performance.now() - started)
      return res
    } catch (err) {
      if (breaker !== undefined && !answered) {
        if (!peerFailure(err)) breaker.release()
        else if (breaker.failure()) this.init.onBreaker?.(peer, 'open')
      }
      // a code that is not a string (a WebRTC DOMException's is a number) is no label
      const code = (err as { code?: unknown }).code
      this.init.metrics.sent(type, typeof code === 'string' ? code : 'error', performance.now() - started)
      throw err
    }
  }

  private channel (peer: string): PeerChannel {
    let ch = this.channels.get(peer)
    if (ch === undefined) {
      const { libp2p, protocol, log, metrics } = this.init
      const peerId = peerIdFromString(peer)
      ch = new PeerChannel(
        async signal => openStream(libp2p, peerId, protocol, { signal, runOnLimitedConnection: true }),
        log,
        () => { metrics.streamOpened() }
      )
      this.channels.set(peer, ch)
    }
    return ch
  }
}
