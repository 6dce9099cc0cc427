/**
 * Which members a peer knows, in a small Bloom filter carried in its
 * announcements (256 bytes, 3 hashes): a member that reads an announcement
 * whose filter does not hold its own id knows that the sender has not heard
 * it, and answers with its own announcement. Only the missing answer, where
 * answering whenever the sender knew fewer members made every member that
 * knew more answer, about each difference, for as long as views differed.
 * A false positive (a missing member that tests as known) costs nothing but
 * time: the sender still hears it at its next periodic announcement. Pure.
 */

export const KNOWN_FILTER_BYTES = 256
const BITS = KNOWN_FILTER_BYTES * 8
const HASHES = 3

function fnv (s: string, seed: number): number {
  let h = seed >>> 0
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** the bit positions of an id (double hashing) */
function positions (id: string): number[] {
  const a = fnv(id, 0x811c9dc5)
  const b = fnv(id, 0x050c5d1f) | 1
  return Array.from({ length: HASHES }, (_, i) => ((a + i * b) >>> 0) % BITS)
}

/** The filter of these member ids. */
export function knownFilter (ids: Iterable<string>): Uint8Array<ArrayBuffer> {
  const bits = new Uint8Array(KNOWN_FILTER_BYTES)
  for (const id of ids) for (const p of positions(id)) bits[p >> 3] |= 1 << (p & 7)
  return bits
}

/**
 * Whether `filter` may hold `id`: false means the sender surely does not
 * know it. A filter of the wrong size (a peer of another version, or a
 * hostile one) says nothing: treated as holding every id.
 */
export function mayKnow (filter: Uint8Array, id: string): boolean {
  if (filter.byteLength !== KNOWN_FILTER_BYTES) return true
  return positions(id).every(p => (filter[p >> 3] & (1 << (p & 7))) !== 0)
}
