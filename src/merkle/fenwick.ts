/**
 * A Fenwick (binary indexed) tree of 128-bit XOR sums and counts over a
 * fixed number of buckets: point update and prefix query in O(log n). XOR is
 * its own inverse, so a range is prefix(b) ^ prefix(a - 1).
 */
export const WORDS = 4

export class XorFenwick {
  readonly size: number
  private readonly sums: Uint32Array
  private readonly counts: Int32Array

  constructor (size: number) {
    this.size = size
    this.sums = new Uint32Array((size + 1) * WORDS)
    this.counts = new Int32Array(size + 1)
  }

  /** bucket i (0-based) gets `leaf` XORed in and its count moved by `delta` */
  update (i: number, leaf: Uint32Array, delta: number): void {
    const { sums, counts } = this
    for (let j = i + 1; j <= this.size; j += j & -j) {
      const o = j * WORDS
      sums[o] ^= leaf[0]; sums[o + 1] ^= leaf[1]; sums[o + 2] ^= leaf[2]; sums[o + 3] ^= leaf[3]
      counts[j] += delta
    }
  }

  /** XOR (into acc) and count of buckets 0..i inclusive; i < 0 is empty */
  prefix (i: number, acc: Uint32Array): number {
    const { sums, counts } = this
    let n = 0
    for (let j = i + 1; j > 0; j -= j & -j) {
      const o = j * WORDS
      acc[0] ^= sums[o]; acc[1] ^= sums[o + 1]; acc[2] ^= sums[o + 2]; acc[3] ^= sums[o + 3]
      n += counts[j]
    }
    return n
  }

  /** XOR (into acc) and count of buckets a..b inclusive */
  range (a: number, b: number, acc: Uint32Array): number {
    if (b < a) return 0
    return this.prefix(b, acc) - this.prefix(a - 1, acc)
  }
}

export function xorInto (acc: Uint32Array, leaf: Uint32Array): void {
  acc[0] ^= leaf[0]; acc[1] ^= leaf[1]; acc[2] ^= leaf[2]; acc[3] ^= leaf[3]
}
