/**
 * SHA-256 through Node's crypto where there is one, else @noble/hashes (a
 * browser): the same digest either way. For inputs of a kilobyte (a record
 * digested for the Merkle index on every write) OpenSSL takes ~5 µs where
 * the JavaScript hash takes ~50 on this machine; for a few dozen bytes the
 * two cost about the same, so short inputs keep @noble/hashes.
 */
import { sha256 as jsSha256 } from '@noble/hashes/sha2.js'

interface NodeHash { update: (bytes: Uint8Array) => NodeHash, digest: () => Uint8Array }
type BuiltinLoader = (id: string) => { createHash?: (algorithm: string) => NodeHash } | undefined

/** Below this many bytes the JavaScript hash is as quick as a native one. */
const NATIVE_FROM_BYTES = 256

const load = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process?.getBuiltinModule
const createHash = typeof load === 'function' ? load('node:crypto')?.createHash : undefined

export function sha256 (bytes: Uint8Array): Uint8Array {
  if (createHash === undefined || bytes.byteLength < NATIVE_FROM_BYTES) return jsSha256(bytes)
  const d = createHash('sha256').update(bytes).digest()
  // a plain Uint8Array, as @noble/hashes returns
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
}
