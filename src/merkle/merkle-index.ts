/**
 * The Merkle index of a replica: for every stored key, its ring position
 * (hash64(key)) and a 128-bit leaf over (key, record digest). Leaves are
 * combined by XOR, which is its own inverse, so a change is O(1) on its
 * bucket and O(log buckets) on the Fenwick tree over buckets; the hash and
 * key count of any arc come from at most four partial buckets plus two
 * prefix queries. It is kept up to date on every change, never rebuilt for
 * an exchange. Two indexes holding the same (key, digest) pairs give the
 * same hash for every arc, whatever order the pairs came in.
 *
 * A XOR of leaves is a set hash: a peer that could choose many keys and
 * values could in principle make two different sets collide; anti-entropy
 * runs between admitted members, for which a 128-bit hash is ample.
 */
import { hash64 } from '../ring/hash.js'
import { intervals } from './arc.js'
import { leafHash, wordsToBytes } from './digest.js'
import { XorFenwick, xorInto } from './fenwick.js'
import type { Arc } from './arc.js'

export interface KeyDigest {
  key: string
  digest: Uint8Array
}

interface Entry {
  position: bigint
  digest: Uint8Array
  leaf: Uint32Array
}

export interface MerkleIndexOptions {
  /** log2 of the bucket count (default 16: 65536 buckets, ~1 MB); 1..24 */
  bucketBits?: number
  /** SHA-256 for the leaves (an adapter may pass a native one: every indexed change hashes a leaf); @noble/hashes when absent */
  hash?: (bytes: Uint8Array) => Uint8Array
}

export const DEFAULT_BUCKET_BITS = 16

export class MerkleIndex {
  private readonly bits: number
  private readonly hash?: (bytes: Uint8Array) => Uint8Array
  private readonly shift: bigint
  private readonly tree: XorFenwick
  private readonly entries = new Map<string, Entry>()
  /** keys of each non-empty bucket */
  private readonly buckets = new Map<number, Set<string>>()

  constructor (options: MerkleIndexOptions = {}) {
    const bits = options.bucketBits ?? DEFAULT_BUCKET_BITS
    if (!Number.isInteger(bits) || bits < 1 || bits > 24) throw new RangeError(`bucketBits must be a whole number from 1 to 24, got ${bits}`)
    this.bits = bits
    this.hash = options.hash
    this.shift = BigInt(64 - bits)
    this.tree = new XorFenwick(2 ** bits)
  }

  /** keys indexed */
  get size (): number {
    return this.entries.size
  }

  /** The digest indexed for a key. */
  digest (key: string): Uint8Array | undefined {
    return this.entries.get(key)?.digest
  }

  /** Index a key's record digest; undefined takes the key out. */
  set (key: string, digest: Uint8Array | undefined): void {
    const old = this.entries.get(key)
    if (old !== undefined) {
      if (digest !== undefined && sameBytes(old.digest, digest)) return
      const b = this.bucketOf(old.position)
      this.tree.update(b, old.leaf, -1)
      this.entries.delete(key)
      const set = this.buckets.get(b)
      set?.delete(key)
      if (set?.size === 0) this.buckets.delete(b)
    }
    if (digest === undefined) return
    const position = old?.position ?? hash64(key)
    const entry = { position, digest: digest.slice(), leaf: leafHash(key, digest, this.hash) }
    const b = this.bucketOf(position)
    this.entries.set(key, entry)
    this.tree.update(b, entry.leaf, 1)
    let set = this.buckets.get(b)
    if (set === undefined) { set = new Set(); this.buckets.set(b, set) }
    set.add(key)
  }

  /** The 16-byte hash and key count of the keys whose positions lie in the arc. */
  summary (arc: Arc): { hash: Uint8Array, count: number } {
    const acc = new Uint32Array(4)
    let count = 0
    for (const [lo, hi] of intervals(arc)) count += this.interval(lo, hi, acc)
    return { hash: wordsToBytes(acc), count }
  }

  /** The keys in the arc with their digests, in position order (then key order); at most `limit`. */
  keys (arc: Arc, limit = Infinity): KeyDigest[] {
    const out: Array<KeyDigest & { position: bigint }> = []
    for (const [lo, hi] of intervals(arc)) {
      const part: Array<KeyDigest & { position: bigint }> = []
      const first = this.bucketOf(lo)
      const last = this.bucketOf(hi)
      // walk non-empty buckets: the map when the span is wider than the number of them
      const span = last - first + 1
      const visit = (b: number): void => {
        for (const key of this.buckets.get(b) ?? []) {
          const e = this.entries.get(key) as Entry
          if (e.position >= lo && e.position <= hi) part.push({ key, digest: e.digest, position: e.position })
        }
      }
      if (span <= this.buckets.size) for (let b = first; b <= last; b++) visit(b)
      else for (const b of this.buckets.keys()) if (b >= first && b <= last) visit(b)
      part.sort((x, y) => (x.position < y.position ? -1 : x.position > y.position ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
      out.push(...part)
      if (out.length >= limit) break
    }
    return out.slice(0, limit).map(({ key, digest }) => ({ key, digest }))
  }

  /** XOR into acc, and count, the keys with positions in [lo, hi] */
  private interval (lo: bigint, hi: bigint, acc: Uint32Array): number {
    const first = this.bucketOf(lo)
    const last = this.bucketOf(hi)
    const firstWhole = this.bucketStart(first) === lo
    const lastWhole = this.bucketStart(last + 1) - 1n === hi
    if (first === last) return firstWhole && lastWhole ? this.tree.range(first, first, acc) : this.partial(first, lo, hi, acc)
    let count = 0
    const from = firstWhole ? first : first + 1
    const to = lastWhole ? last : last - 1
    if (!firstWhole) count += this.partial(first, lo, hi, acc)
    if (!lastWhole) count += this.partial(last, lo, hi, acc)
    count += this.tree.range(from, to, acc)
    return count
  }

  private partial (bucket: number, lo: bigint, hi: bigint, acc: Uint32Array): number {
    let count = 0
    for (const key of this.buckets.get(bucket) ?? []) {
      const e = this.entries.get(key) as Entry
      if (e.position < lo || e.position > hi) continue
      xorInto(acc, e.leaf)
      count++
    }
    return count
  }

  private bucketOf (position: bigint): number {
    return Number(position >> this.shift)
  }

  private bucketStart (bucket: number): bigint {
    return BigInt(bucket) << this.shift
  }

  get bucketBits (): number {
    return this.bits
  }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
