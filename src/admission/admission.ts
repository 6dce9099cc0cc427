/**
 * Who may be a member of this cluster. Open (no cluster key configured):
 * everyone, as before admission existed. Closed: a peer is a member while
 * this peer holds a certificate for it that the cluster key signed, that has
 * not expired and whose peer was not revoked. Certificates are learned from
 * announcements (the membership topic validator) and from the certificate
 * exchange (cert-exchange.ts) when a peer opens a stream before its
 * announcement arrived; each one's signature is checked once and the verdict
 * kept in a bounded cache. Revocations are kept in the data dir.
 */
import { Key } from 'interface-datastore'
import { InvalidArgumentError } from '../errors.js'
import { toString } from 'uint8arrays'
import { clusterKeyId } from './cluster-key.js'
import { verifyCertificate, readCertificate } from './certificate.js'
import { verifyRevocation } from './revocation.js'
import { BoundedMap } from './bounded-map.js'
import { MAX_SIGNED_BYTES } from './signed.js'
import type { CertificateInfo, Verdict } from './certificate.js'
import type { Datastore } from 'interface-datastore'
import type { Logger, PublicKey } from '@libp2p/interface'
import type { MetricsRegistry } from '../metrics.js'

/** certificate verdicts kept (each ~300 bytes of key plus the claims) */
const MAX_VERDICTS = 4096
/** members whose certificates this peer holds */
const MAX_KNOWN = 8192
/** revocations kept; past it, new ones are refused (an operator revoking more should rotate the key) */
export const MAX_REVOCATIONS = 10_000
const REVOKED_PREFIX = '/meta/admission/revoked/'

export type AdmissionMode = 'open' | 'closed'

export interface AdmissionStatus {
  mode: AdmissionMode
  /** the cluster key's id (a closed cluster) */
  clusterKey?: string
  /** this peer's own certificate's expiry (ISO time); absent when it has none or it never expires */
  certExpires?: string
  /** peers revoked, as this peer knows */
  revocations: number
  /** members whose certificates this peer checked and holds */
  certified: number
}

export interface AdmissionInit {
  cluster: string
  /** closed clusters only */
  clusterKey?: PublicKey
  /** this peer's own certificate (closed clusters) */
  certificate?: Uint8Array
  datastore?: Datastore
  log: Logger
  metrics: MetricsRegistry
  now?: () => number
}

export class Admission extends EventTarget {
  readonly mode: AdmissionMode
  private readonly verdicts = new BoundedMap<string, Verdict>(MAX_VERDICTS)
  private readonly known = new BoundedMap<string, CertificateInfo>(MAX_KNOWN)
  private readonly revoked = new Map<string, Uint8Array>()
  /** the same revocations by their bytes (base64), to the peer */
  private readonly revokedBytes = new Map<string, string>()
  private readonly now: () => number

  constructor (private readonly init: AdmissionInit) {
    super()
    this.mode = init.clusterKey === undefined ? 'open' : 'closed'
    this.now = init.now ?? Date.now
    init.metrics.describe('meshkv_admission_total', 'admission: certificates checked and refused, streams refused, revocations learned')
  }

  get closed (): boolean {
    return this.mode === 'closed'
  }

  /** This peer's own certificate, as it announces it. */
  get certificate (): Uint8Array<ArrayBuffer> | undefined {
    return this.init.certificate as Uint8Array<ArrayBuffer> | undefined
  }

  /** Load the revocations kept in the data dir. */
  async start (): Promise<void> {
    const ds = this.init.datastore
    if (ds === undefined || !this.closed) return
    for await (const { key, value } of ds.query({ prefix: REVOKED_PREFIX })) {
      if (this.revoked.size >= MAX_REVOCATIONS) break
      const ok = await this.checkRevocation(value)
      if (ok !== undefined) this.remember(ok, value)
      else this.init.log.error('ignoring a damaged revocation in the data dir: %s', key.toString())
    }
  }

  /** Whether `peer` is a member now (open clusters: everyone). Synchronous: the stream gate asks on every stream. */
  isMember (peer: string): boolean {
    if (!this.closed) return true
    if (this.revoked.has(peer)) return false
    const cert = this.known.get(peer)
    return cert !== undefined && (cert.expires === undefined || cert.expires > this.now())
  }

  isRevoked (peer: string): boolean {
    return this.revoked.has(peer)
  }

  /**
   * Check certificate bytes `from` showed (in an announcement, or over the
   * exchange). A valid one makes it a member; the verdict of the signature
   * check is cached by the bytes.
   */
  async admit (from: string, bytes: Uint8Array | undefined): Promise<Verdict> {
    if (!this.closed) return { ok: true, cert: { peer: from, issued: 0 } }
    let verdict = await this.verdict(from, bytes)
    // a revocation may have landed while the signature was checked: its peer is not admitted
    if (verdict.ok && this.revoked.has(from)) verdict = { ok: false, reason: 'peer was revoked' }
    if (verdict.ok) this.known.set(from, verdict.cert)
    else this.init.metrics.inc('meshkv_admission_total', { what: 'certificate_refused' })
    return verdict
  }

  private async verdict (from: string, bytes: Uint8Array | undefined): Promise<Verdict> {
    if (this.revoked.has(from)) return { ok: false, reason: 'peer was revoked' }
    if (bytes === undefined || bytes.byteLength === 0) return { ok: false, reason: 'no certificate' }
    // larger than any signed certificate: refused before it could become a cache key (an outsider may send many)
    if (bytes.byteLength > MAX_SIGNED_BYTES) return { ok: false, reason: 'malformed certificate' }
    const clusterKey = this.init.clusterKey as PublicKey
    const cacheKey = `${from} ${toString(bytes, 'base64')}`
    let verdict = this.verdicts.get(cacheKey)
    if (verdict === undefined) {
      // expiry is checked at each use below, not cached: 0 passes any expiry
      verdict = await verifyCertificate(bytes, { clusterKey, peer: from, cluster: this.init.cluster, now: 0 })
      this.verdicts.set(cacheKey, verdict)
      this.init.metrics.inc('meshkv_admission_total', { what: 'certificate_checked' })
    }
    if (verdict.ok && verdict.cert.expires !== undefined && verdict.cert.expires <= this.now()) {
      return { ok: false, reason: `certificate expired at ${new Date(verdict.cert.expires).toISOString()}` }
    }
    return verdict
  }

  /**
   * Take a revocation (from the API or the admission topic): checked,
   * kept in the data dir, and announced as a 'revoked' event with the peer.
   * Returns the peer, and whether it was news; throws InvalidArgumentError on a bad one.
   */
  async revoke (bytes: Uint8Array): Promise<{ peer: string, added: boolean }> {
    if (!this.closed) throw new InvalidArgumentError('this peer runs an open cluster: there is no cluster key to check a revocation against')
    // the same bytes again (the periodic republish): no signature to check
    const same = this.revokedBytes.get(toString(bytes, 'base64'))
    if (same !== undefined) return { peer: same, added: false }
    const v = await verifyRevocation(bytes, this.init.clusterKey as PublicKey)
    if (!v.ok) throw new InvalidArgumentError(v.reason)
    const peer = v.revocation.peer
    if (this.revoked.has(peer)) return { peer, added: false }
    if (this.revoked.size >= MAX_REVOCATIONS) throw new InvalidArgumentError(`this peer holds ${MAX_REVOCATIONS} revocations already; rotate the cluster key`)
    await this.init.datastore?.put(new Key(REVOKED_PREFIX + peer), bytes)
    this.remember(peer, bytes)
    this.known.delete(peer)
    this.init.metrics.inc('meshkv_admission_total', { what: 'revocation_learned' })
    this.init.log('peer %s revoked', peer)
    this.dispatchEvent(new CustomEvent('revoked', { detail: peer }))
    return { peer, added: true }
  }

  private remember (peer: string, bytes: Uint8Array): void {
    this.revoked.set(peer, bytes)
    this.revokedBytes.set(toString(bytes, 'base64'), peer)
  }

  /** The revocation of `peer`, when it was revoked. */
  revocationOf (peer: string): Uint8Array | undefined {
    return this.revoked.get(peer)
  }

  /** Every revocation this peer holds, as signed bytes (to pass on). */
  revocations (): Uint8Array[] {
    return [...this.revoked.values()]
  }

  refused (what: string): void {
    this.init.metrics.inc('meshkv_admission_total', { what })
  }

  status (): AdmissionStatus {
    if (!this.closed) return { mode: 'open', revocations: 0, certified: 0 }
    const own = this.init.certificate === undefined ? undefined : readCertificate(this.init.certificate)
    return {
      mode: 'closed',
      clusterKey: clusterKeyId(this.init.clusterKey as PublicKey),
      certExpires: own?.expires === undefined ? undefined : new Date(own.expires).toISOString(),
      revocations: this.revoked.size,
      certified: this.known.size
    }
  }

  private async checkRevocation (bytes: Uint8Array): Promise<string | undefined> {
    const v = await verifyRevocation(bytes, this.init.clusterKey as PublicKey)
    return v.ok ? v.revocation.peer : undefined
  }
}
