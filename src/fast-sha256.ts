/**
 * SHA-256 through Node's crypto where there is one, else @noble/hashes (a
 * browser): the same digest either way. For inputs of a kilobyte (a record
 * digested for the Merkle index on every write) OpenSSL takes ~5 µs where
 * the JavaScript hash takes ~50 on this machine. Node's one-shot
 * crypto.hash (20.12 and later) makes no Hash object: ~1.3 µs for a Merkle
 * leaf's few dozen bytes against ~2.6-5 for @noble/hashes, ~1.8 for a
 * kilobyte against ~2.2-2.6 through createHash, so it takes every length.
 * Without it, short inputs keep @noble/hashes.
 */
import { sha256 as jsSha256 } from '@noble/hashes/sha2.js'

interface NodeHash { update: (bytes: Uint8Array) => NodeHash, digest: () => Uint8Array }
type BuiltinLoader = (id: string) => {
  createHash?: (algorithm: string) => NodeHash
  /** one call, no Hash object (Node 20.12 and later): quicker than @noble/hashes even for a few dozen bytes */
  hash?: (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Uint8Array
} | undefined

/** Below this many bytes the JavaScript hash is as quick as a native Hash object. */
const NATIVE_FROM_BYTES = 256

const load = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process?.getBuiltinModule
const crypto = typeof load === 'function' ? load('node:crypto') : undefined
const createHash = crypto?.createHash
const oneShot = crypto?.hash

export function sha256 (bytes: Uint8Array): Uint8Array {
  let d: Uint8Array
  if (oneShot !== undefined) d = oneShot('sha256', bytes, 'buffer')
  else if (createHash === undefined || bytes.byteLength < NATIVE_FROM_BYTES) return jsSha256(bytes)
  else d = createHash('sha256').update(bytes).digest()
  // a plain Uint8Array, as @noble/hashes returns
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
}
