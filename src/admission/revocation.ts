/**
 * Revocations: a cluster key says "this peer id is no longer a member".
 * They never expire; every member keeps them in its data dir and passes
 * them on (revocation-gossip.ts), so one that missed it learns it later.
 */
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { equals } from 'uint8arrays'
import { RevocationBody } from './pb/admission.js'
import { sign, signatureHolds, unwrap } from './signed.js'
import type { PrivateKey, PublicKey } from '@libp2p/interface'

export interface RevocationInfo {
  peer: string
  /** ms since the epoch */
  issued: number
}

export async function issueRevocation (clusterKey: PrivateKey, peer: string, now = Date.now()): Promise<Uint8Array> {
  const body = RevocationBody.encode({ clusterKey: publicKeyToProtobuf(clusterKey.publicKey) as Uint8Array<ArrayBuffer>, peer, issued: now })
  return sign('revocation', clusterKey, body)
}

/** The revoked peer when `bytes` is a revocation signed by `clusterKey`; why not otherwise. */
export async function verifyRevocation (bytes: Uint8Array, clusterKey: PublicKey): Promise<{ ok: true, revocation: RevocationInfo } | { ok: false, reason: string }> {
  const signed = unwrap(bytes)
  if (signed === undefined) return { ok: false, reason: 'malformed revocation' }
  let body: RevocationBody
  try {
    body = RevocationBody.decode(signed.body)
  } catch {
    return { ok: false, reason: 'malformed revocation' }
  }
  if (body.peer.length === 0 || body.peer.length > 128 || !Number.isFinite(body.issued)) return { ok: false, reason: 'malformed revocation' }
  if (!equals(body.clusterKey, publicKeyToProtobuf(clusterKey))) return { ok: false, reason: 'revocation signed by another cluster key' }
  if (!await signatureHolds('revocation', clusterKey, signed)) return { ok: false, reason: 'revocation signature does not hold' }
  return { ok: true, revocation: { peer: body.peer, issued: body.issued } }
}
