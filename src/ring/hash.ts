/**
 * The ring's hash: the first 8 bytes of SHA-256, big-endian. SHA-256 rather
 * than a fast non-cryptographic hash so that a client cannot cheaply craft
 * keys that all land on one peer, and so every runtime computes the same
 * positions without a native dependency.
 */
import { sha256 } from '@noble/hashes/sha2.js'

const encoder = new TextEncoder()

function digest (data: string | Uint8Array): Uint8Array {
  return sha256(typeof data === 'string' ? encoder.encode(data) : data)
}

/** A 64-bit ring position as an unsigned bigint. */
export function hash64 (data: string | Uint8Array): bigint {
  const [hi, lo] = hash64Parts(data)
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/**
 * The same position as two unsigned 32-bit halves. The ring's hot path
 * compares these as plain numbers, which avoids allocating bigints per
 * lookup.
 */
export function hash64Parts (data: string | Uint8Array): [hi: number, lo: number] {
  const d = digest(data)
  const hi = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0
  const lo = ((d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]) >>> 0
  return [hi, lo]
}
