/**
 * The ring's hash: the first 8 bytes of SHA-256, big-endian. SHA-256 rather
 * than a fast non-cryptographic hash so that a client cannot cheaply craft
 * keys that all land on one peer, and so every runtime computes the same
 * positions without a native dependency.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { SHORT_SHA256_BYTES, shortSha256Prefix } from './short-sha256.js'

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
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  // a key or token name that fits one block (nearly all): hashed in place
  if (bytes.length <= SHORT_SHA256_BYTES) return shortSha256Prefix(bytes)
  const d = digest(bytes)
  const hi = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0
  const lo = ((d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]) >>> 0
  return [hi, lo]
}

/** Most keys whose position keyPosition remembers. */
export const KEY_POSITIONS_CACHED = 1024
/** Longer keys are hashed every time: the cache's memory stays small (~KEY_POSITIONS_CACHED × 256 characters at most). */
export const KEY_POSITION_CACHED_CHARS = 256

/**
 * Two generations of at most KEY_POSITIONS_CACHED / 2 keys each: a key is
 * put in the young one (again, when found in the old one); a full young
 * generation becomes the old one, and the old one is dropped whole. So a
 * key used again and again stays, and no eviction walks a map's order: a
 * miss costs ~0.5 µs less than in one map dropping its oldest key.
 */
let young = new Map<string, readonly [hi: number, lo: number]>()
let old = new Map<string, readonly [hi: number, lo: number]>()

/**
 * A key's ring position, hash64Parts(key), remembered for the last
 * KEY_POSITIONS_CACHED / 2 to KEY_POSITIONS_CACHED keys used. One operation
 * needs it several times (the coordinator's and the replica's preference
 * lists, the context's key tag at decode and encode:
 * src/version/context.ts), each a SHA-256 of the key otherwise. For keys
 * only: member tokens would push the keys out.
 */
export function keyPosition (key: string): readonly [hi: number, lo: number] {
  let out = young.get(key)
  if (out !== undefined) return out
  out = old.get(key) ?? Object.freeze(hash64Parts(key))
  if (key.length <= KEY_POSITION_CACHED_CHARS) {
    if (young.size >= KEY_POSITIONS_CACHED / 2) {
      old = young
      young = new Map()
    }
    young.set(key, out)
  }
  return out
}

/** Positions keyPosition holds now, in both generations (for tests of its bound). */
export function keyPositionsHeld (): number {
  return young.size + old.size
}
