/**
 * The stream gate: kv, anti-entropy and transfer handlers run only for
 * members. A peer whose certificate this one does not hold yet (its first
 * stream came before its announcement: a joiner, a restart on a new
 * address) is asked for it over the certificate exchange, with a deadline;
 * until that settles the stream's bytes wait unread in its buffer. A peer
 * that shows none is not asked again for a while (bounded), and every
 * refusal is a typed ERR_NOT_A_MEMBER reply (refusals.ts).
 */
import { NotAMemberError } from '../errors.js'
import { BoundedMap } from './bounded-map.js'
import { fetchCertificate } from './cert-exchange.js'
import { refuseStream } from './refusals.js'
import type { Admission } from './admission.js'
import type { Verdict } from './certificate.js'
import type { Refusal } from './refusals.js'
import type { Connection, Logger, Stream, StreamHandler } from '@libp2p/interface'

/** Wraps a protocol's handler so that it runs only for members. */
export type Guard = (handler: StreamHandler, refusal: Refusal) => StreamHandler

export interface StreamGateInit {
  admission: Admission
  cluster: string
  certProtocol: string
  /** deadline of the certificate exchange (ms) */
  exchangeTimeoutMs?: number
  log: Logger
}

const DEFAULT_EXCHANGE_TIMEOUT_MS = 3_000
/** a peer that showed no valid certificate is not asked again for this long (ms) */
const STRANGER_RETRY_MS = 10_000
const MAX_STRANGERS = 1024
/** certificate exchanges in flight at once; past it, a stranger is refused without asking */
const MAX_PENDING = 64

export class StreamGate {
  private readonly pending = new Map<string, Promise<Verdict>>()
  private readonly strangers = new BoundedMap<string, { until: number, reason: string }>(MAX_STRANGERS)

  constructor (private readonly init: StreamGateInit) {}

  readonly guard: Guard = (handler, refusal) => {
    if (!this.init.admission.closed) return handler
    return (stream: Stream, connection: Connection) => {
      const peer = connection.remotePeer.toString()
      if (this.init.admission.isMember(peer)) return handler(stream, connection)
      this.learn(peer, connection).then(verdict => {
        if (verdict.ok && this.init.admission.isMember(peer)) {
          if (stream.status === 'open') return handler(stream, connection)
          return
        }
        this.refuse(stream, peer, verdict.ok ? 'not a member' : verdict.reason, refusal)
      }).catch(err => { stream.abort(err as Error) })
    }
  }

  /** Drop what is known of a peer that showed no certificate (it may have one now). */
  forgetStranger (peer: string): void {
    this.strangers.delete(peer)
  }

  private refuse (stream: Stream, peer: string, reason: string, refusal: Refusal): void {
    this.init.admission.refused('stream_refused')
    this.init.log('refused a %s stream from %s: %s', stream.protocol, peer, reason)
    refuseStream(stream, new NotAMemberError(`peer ${peer} is not a member of cluster "${this.init.cluster}": ${reason}`), refusal)
  }

  private async learn (peer: string, connection: Connection): Promise<Verdict> {
    const admission = this.init.admission
    if (admission.isRevoked(peer)) return { ok: false, reason: 'peer was revoked' }
    const stranger = this.strangers.get(peer)
    if (stranger !== undefined && stranger.until > performance.now()) return { ok: false, reason: stranger.reason }
    let p = this.pending.get(peer)
    if (p === undefined) {
      if (this.pending.size >= MAX_PENDING) return { ok: false, reason: 'too many unknown peers at once; try again' }
      p = (async () => {
        const cert = await fetchCertificate(connection, this.init.certProtocol, this.init.exchangeTimeoutMs ?? DEFAULT_EXCHANGE_TIMEOUT_MS)
        const verdict = await admission.admit(peer, cert)
        if (!verdict.ok) this.strangers.set(peer, { until: performance.now() + STRANGER_RETRY_MS, reason: verdict.reason })
        return verdict
      })().finally(() => { this.pending.delete(peer) })
      this.pending.set(peer, p)
    }
    return p
  }
}
