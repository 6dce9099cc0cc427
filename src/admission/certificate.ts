/**
 * Membership certificates: a cluster key says "this peer id is a member of
 * this cluster until then". Issued by `meshkv cluster invite` (or by a peer
 * that holds the key, for itself), carried in every membership announcement
 * and checked by every member before it lists or serves the peer.
 */
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { equals } from 'uint8arrays'
import { CertificateBody } from './pb/admission.js'
import { sign, signatureHolds, unwrap } from './signed.js'
import type { PrivateKey, PublicKey } from '@libp2p/interface'

export interface CertificateInfo {
  /** the member's peer id */
  peer: string
  /** the cluster name it was issued for; undefined: any */
  cluster?: string
  /** ms since the epoch */
  issued: number
  /** ms since the epoch; undefined: never */
  expires?: number
}

export interface IssueOptions {
  peer: string
  cluster?: string
  /** valid for this long from now (ms); undefined: no expiry */
  validForMs?: number
  now?: number
}

/** A certificate that did not pass, and why (for logs and errors). */
export type Verdict = { ok: true, cert: CertificateInfo } | { ok: false, reason: string }

export async function issueCertificate (clusterKey: PrivateKey, options: IssueOptions): Promise<Uint8Array> {
  const issued = options.now ?? Date.now()
  const body = CertificateBody.encode({
    clusterKey: publicKeyToProtobuf(clusterKey.publicKey) as Uint8Array<ArrayBuffer>,
    peer: options.peer,
    cluster: options.cluster ?? '',
    issued,
    expires: options.validForMs === undefined ? 0 : issued + options.validForMs
  })
  return sign('certificate', clusterKey, body)
}

/** The claims of certificate bytes, unchecked (status, `meshkv cluster` output); undefined when malformed. */
export function readCertificate (bytes: Uint8Array): (CertificateInfo & { clusterKey: Uint8Array }) | undefined {
  const signed = unwrap(bytes)
  if (signed === undefined) return undefined
  try {
    const b = CertificateBody.decode(signed.body)
    if (b.peer.length === 0 || b.peer.length > 128 || b.cluster.length > 64) return undefined
    if (!Number.isFinite(b.issued) || !Number.isFinite(b.expires) || b.expires < 0) return undefined
    return { peer: b.peer, cluster: b.cluster === '' ? undefined : b.cluster, issued: b.issued, expires: b.expires === 0 ? undefined : b.expires, clusterKey: b.clusterKey }
  } catch {
    return undefined
  }
}

/**
 * Whether `bytes` is a certificate for `peer`, signed by `clusterKey`, for
 * this cluster name, unexpired at `now`. Revocation is the caller's (it
 * changes after a certificate was checked).
 */
export async function verifyCertificate (bytes: Uint8Array, expect: { clusterKey: PublicKey, peer?: string, cluster?: string, now?: number }): Promise<Verdict> {
  const signed = unwrap(bytes)
  const cert = readCertificate(bytes)
  if (signed === undefined || cert === undefined) return { ok: false, reason: 'malformed certificate' }
  if (!equals(cert.clusterKey, publicKeyToProtobuf(expect.clusterKey))) return { ok: false, reason: 'certificate signed by another cluster key' }
  if (!await signatureHolds('certificate', expect.clusterKey, signed)) return { ok: false, reason: 'certificate signature does not hold' }
  if (expect.peer !== undefined && cert.peer !== expect.peer) return { ok: false, reason: `certificate is for peer ${cert.peer}, not ${expect.peer}` }
  if (cert.cluster !== undefined && expect.cluster !== undefined && cert.cluster !== expect.cluster) return { ok: false, reason: `certificate is for cluster "${cert.cluster}", not "${expect.cluster}"` }
  if (cert.expires !== undefined && cert.expires <= (expect.now ?? Date.now())) return { ok: false, reason: `certificate expired at ${new Date(cert.expires).toISOString()}` }
  const { clusterKey: _, ...info } = cert
  return { ok: true, cert: info }
}

/** The cluster key named in certificate bytes (a peer given only --cert learns its cluster's key from it). */
export function certificateClusterKey (bytes: Uint8Array): PublicKey | undefined {
  const cert = readCertificate(bytes)
  if (cert === undefined) return undefined
  try {
    return publicKeyFromProtobuf(cert.clusterKey)
  } catch {
    return undefined
  }
}
