/**
 * Bodies signed by a cluster key. The signature covers a domain prefix and
 * the body bytes as they travel: a certificate's signature can never pass
 * for a revocation's (or anything else the key might sign), and nothing is
 * re-encoded before it is checked.
 */
import { Signed } from './pb/admission.js'
import type { PrivateKey, PublicKey } from '@libp2p/interface'

export type SignedKind = 'certificate' | 'revocation'

/** the most bytes a signed certificate or revocation may have (they are ~200) */
export const MAX_SIGNED_BYTES = 2048

function domain (kind: SignedKind, body: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`meshkv-${kind}-v1:`)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix)
  out.set(body, prefix.byteLength)
  return out
}

export async function sign (kind: SignedKind, key: PrivateKey, body: Uint8Array): Promise<Uint8Array> {
  const signature = await key.sign(domain(kind, body))
  return Signed.encode({ body: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
}

/** The body and signature of signed bytes; undefined when they are not that. */
export function unwrap (bytes: Uint8Array): Signed | undefined {
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_SIGNED_BYTES) return undefined
  try {
    return Signed.decode(bytes)
  } catch {
    return undefined
  }
}

export async function signatureHolds (kind: SignedKind, key: PublicKey, signed: Signed): Promise<boolean> {
  try {
    return await key.verify(domain(kind, signed.body), signed.signature)
  } catch {
    return false
  }
}
