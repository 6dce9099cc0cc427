/**
 * A member's ring tokens summed up in 8 bytes. Periodic announcements carry
 * this digest instead of the tokens (128 a unit, about 1.2 KiB): the tokens
 * change only when the member's do (a join's allocation, an adopted
 * tokensPerUnit), so sending them at every period was most of the bytes a
 * cluster spent on membership. A receiver whose copy has the same digest
 * keeps it; one whose copy differs, or that has none, leaves the member out
 * of the known-members filter it announces (known-filter.ts), and the member
 * answers with its tokens. Pure.
 */
import { sha256 } from '@noble/hashes/sha2.js'

export const TOKEN_DIGEST_BYTES = 8

const EMPTY: readonly bigint[] = []
/** digests of token arrays seen (a member's array is kept as long as its record) */
const cache = new WeakMap<readonly bigint[], Uint8Array<ArrayBuffer>>()

/** The digest of these tokens, in their order (undefined: none announced, derived from the id). */
export function tokenDigest (tokens: readonly bigint[] | undefined): Uint8Array<ArrayBuffer> {
  const list = tokens ?? EMPTY
  let d = cache.get(list)
  if (d === undefined) {
    const bytes = new Uint8Array(list.length * 8)
    const view = new DataView(bytes.buffer)
    list.forEach((t, i) => { view.setBigUint64(i * 8, BigInt.asUintN(64, t)) })
    d = sha256(bytes).slice(0, TOKEN_DIGEST_BYTES)
    cache.set(list, d)
  }
  return d
}

/** Whether a digest off the wire names these tokens. */
export function sameDigest (tokens: readonly bigint[] | undefined, digest: Uint8Array): boolean {
  const d = tokenDigest(tokens)
  return digest.byteLength === d.byteLength && d.every((b, i) => b === digest[i])
}

/** What the known-members filter holds for a member: its id with the tokens it is known by. */
export function knownKey (id: string, tokens: readonly bigint[] | undefined): string {
  let hex = ''
  for (const b of tokenDigest(tokens)) hex += b.toString(16).padStart(2, '0')
  return `${id}#${hex}`
}
