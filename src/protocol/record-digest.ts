/**
 * Digest reads: a coordinator that holds a key's record sends a replica the
 * digest of its encoding with the GET, and a replica whose record encodes to
 * the same bytes answers "same" instead of sending it back. Replicas in sync
 * (the usual case) then move a few dozen bytes instead of the record: for a
 * 1 KB value that spares a noise seal and open of the record at ~14 µs each
 * (the WebAssembly cipher @libp2p/noise uses under 1,200 B) and its copies,
 * for two SHA-256 at ~3.5 µs (docs/benchmarks.md, "Reads that ask R").
 * Below DIGEST_FROM_BYTES the hashes cost more than the bytes they spare,
 * and the record is always sent.
 */
import { sha256 } from '../fast-sha256.js'

/** Records encoded shorter than this are sent whole (their digest costs about what they do). */
export const DIGEST_FROM_BYTES = 512

/** Bytes of SHA-256 kept: a replica's record and the sender's differ in their writes, not by an adversary's search. */
export const DIGEST_BYTES = 16

/**
 * Digests of encodings already hashed: a record kept in hand keeps its
 * encoding, and is hashed once: a coordinator's cached record
 * (src/coordinator/record-cache.ts), whose every read sends its digest to
 * R replicas, and a replica's recently read one (src/store/hot-records.ts),
 * whose every GET with a digest is checked against it.
 */
const DIGESTS = new WeakMap<Uint8Array, Uint8Array<ArrayBuffer>>()

/** The digest of an encoded record, or undefined when it is too short to be worth one. */
export function recordDigest (encoded: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  if (encoded.byteLength < DIGEST_FROM_BYTES) return undefined
  let digest = DIGESTS.get(encoded)
  if (digest === undefined) {
    digest = digestOf(encoded)
    DIGESTS.set(encoded, digest)
  }
  return digest
}

function digestOf (encoded: Uint8Array): Uint8Array<ArrayBuffer> {
  return sha256(encoded).slice(0, DIGEST_BYTES) as Uint8Array<ArrayBuffer>
}

/** Whether `encoded` is the record `digest` was taken of. */
export function matchesDigest (encoded: Uint8Array, digest: Uint8Array): boolean {
  if (digest.byteLength !== DIGEST_BYTES) return false
  const own = recordDigest(encoded)
  if (own === undefined) return false
  for (let i = 0; i < DIGEST_BYTES; i++) if (own[i] !== digest[i]) return false
  return true
}
