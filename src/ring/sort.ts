/**
 * Sorting ring positions fast enough to rebuild a ring of MAX_RING_TOKENS
 * well inside a heartbeat. A comparator sort of 262,144 indices takes
 * 150-200 ms in V8; positions are near-uniform 64-bit values, so a bucket
 * pass on the top bits (O(n)) leaves buckets of about one entry each. A
 * crowded bucket (hostile or colliding announcements) falls back to a
 * comparator sort of that bucket alone, so the worst case stays O(n log n).
 */

/**
 * The order of entries by (hi, lo, owner, index): index i of the result is
 * the entry that belongs at position i. A total order, so every peer gets
 * the same result.
 */
export function sortPositions (hi: Uint32Array, lo: Uint32Array, owner: Uint32Array): Uint32Array {
  const n = hi.length
  let bits = 0
  while ((1 << bits) < n && bits < 24) bits++
  const buckets = 1 << bits
  const bucketOf = (i: number): number => bits === 0 ? 0 : hi[i] >>> (32 - bits)
  const start = new Uint32Array(buckets + 1)
  for (let i = 0; i < n; i++) start[bucketOf(i) + 1]++
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b]
  const fill = start.slice(0, buckets)
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[fill[bucketOf(i)]++] = i

  const before = (a: number, b: number): boolean =>
    hi[a] !== hi[b] ? hi[a] < hi[b] : lo[a] !== lo[b] ? lo[a] < lo[b] : owner[a] !== owner[b] ? owner[a] < owner[b] : a < b
  for (let b = 0; b < buckets; b++) {
    const from = start[b]
    const to = start[b + 1]
    if (to - from < 2) continue
    if (to - from <= 16) {
      for (let i = from + 1; i < to; i++) {
        const x = order[i]
        let j = i - 1
        while (j >= from && before(x, order[j])) { order[j + 1] = order[j]; j-- }
        order[j + 1] = x
      }
    } else {
      order.subarray(from, to).sort((x, y) => before(x, y) ? -1 : before(y, x) ? 1 : 0)
    }
  }
  return order
}
