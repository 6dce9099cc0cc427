/**
 * Sorting ring positions fast enough to rebuild a ring of MAX_RING_TOKENS
 * well inside a heartbeat. A comparator sort of 262,144 indices takes
 * 150-200 ms in V8; positions are near-uniform 64-bit values, so a bucket
 * pass on the top bits (O(n)) leaves buckets of about one entry each. A
 * crowded bucket (hostile or colliding announcements) falls back to a
 * comparator sort of that bucket alone, so the worst case stays O(n log n).
 */

export interface Sorted {
  hi: Uint32Array
  lo: Uint32Array
  owner: Uint32Array
}

/**
 * New arrays holding the entries in (hi, lo, owner) order: a total order up
 * to identical entries, so every peer gets the same result.
 */
export function sortPositions (hi: Uint32Array, lo: Uint32Array, owner: Uint32Array): Sorted {
  const n = hi.length
  let bits = 1
  while ((1 << bits) < n && bits < 24) bits++
  const shift = 32 - bits
  const buckets = 1 << bits
  const start = new Uint32Array(buckets + 1)
  for (let i = 0; i < n; i++) start[(hi[i] >>> shift) + 1]++
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b]
  const fill = start.slice(0, buckets)
  const out = { hi: new Uint32Array(n), lo: new Uint32Array(n), owner: new Uint32Array(n) }
  const h = out.hi
  const l = out.lo
  const o = out.owner
  for (let i = 0; i < n; i++) {
    const at = fill[hi[i] >>> shift]++
    h[at] = hi[i]
    l[at] = lo[i]
    o[at] = owner[i]
  }
  for (let b = 0; b < buckets; b++) {
    const from = start[b]
    const to = start[b + 1]
    if (to - from < 2) continue
    if (to - from <= 16) {
      for (let i = from + 1; i < to; i++) {
        const xh = h[i]
        const xl = l[i]
        const xo = o[i]
        let j = i - 1
        while (j >= from && (h[j] > xh || (h[j] === xh && (l[j] > xl || (l[j] === xl && o[j] > xo))))) {
          h[j + 1] = h[j]
          l[j + 1] = l[j]
          o[j + 1] = o[j]
          j--
        }
        h[j + 1] = xh
        l[j + 1] = xl
        o[j + 1] = xo
      }
    } else {
      const idx = Array.from({ length: to - from }, (_, k) => from + k)
        .sort((x, y) => (h[x] - h[y]) || (l[x] - l[y]) || (o[x] - o[y]))
      const sh = idx.map(k => h[k])
      const sl = idx.map(k => l[k])
      const so = idx.map(k => o[k])
      h.set(sh, from)
      l.set(sl, from)
      o.set(so, from)
    }
  }
  return out
}
