/**
 * Arcs of the ring, (start, end] over unsigned 64-bit positions, wrapping
 * past the top; start === end is the whole ring (as Ring.ranges gives them).
 * Anti-entropy splits an arc whose hashes differ into sub-arcs and descends.
 */
export interface Arc {
  start: bigint
  end: bigint
}

export const RING_TOP = (1n << 64n) - 1n
const SPACE = 1n << 64n

/** The positions an arc holds, as at most two inclusive [lo, hi] intervals. */
export function intervals (arc: Arc): Array<[lo: bigint, hi: bigint]> {
  const { start, end } = arc
  if (start === end) return [[0n, RING_TOP]]
  if (start < end) return [[start + 1n, end]]
  const out: Array<[bigint, bigint]> = []
  if (start < RING_TOP) out.push([start + 1n, RING_TOP])
  out.push([0n, end])
  return out
}

/** Positions the arc holds (2^64 for the whole ring). */
export function arcWidth (arc: Arc): bigint {
  if (arc.start === arc.end) return SPACE
  return ((arc.end - arc.start) % SPACE + SPACE) % SPACE
}

/**
 * `parts` consecutive sub-arcs covering the arc exactly (fewer when it holds
 * fewer positions than parts). Their union is the arc; they do not overlap.
 */
export function splitArc (arc: Arc, parts: number): Arc[] {
  const width = arcWidth(arc)
  const n = BigInt(Math.max(1, Math.min(parts, Number(width < 1n << 20n ? width : 1n << 20n))))
  if (n === 1n) return [{ start: arc.start, end: arc.end }]
  const out: Arc[] = []
  let start = arc.start
  for (let i = 1n; i <= n; i++) {
    const end = i === n ? arc.end : (arc.start + (width * i) / n) % SPACE
    out.push({ start, end })
    start = end
  }
  return out
}

/**
 * Merge arcs that meet end to start into one (the union of arcs two peers
 * both hold is held by both): fewer, larger arcs to compare. Arcs are taken
 * in ring order; a set that covers the whole ring becomes one whole arc.
 */
export function coalesce (arcs: Arc[]): Arc[] {
  if (arcs.length === 0) return []
  const sorted = arcs.map(a => ({ start: a.start, end: a.end })).sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : 0))
  if (sorted.some(a => a.start === a.end)) return [{ start: 0n, end: 0n }]
  const out: Arc[] = []
  for (const a of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && last.end === a.start) last.end = a.end
    else out.push(a)
  }
  // the last arc may run into the first past the top
  if (out.length > 1 && out[out.length - 1].end === out[0].start) {
    const last = out.pop() as Arc
    out[0].start = last.start
  }
  if (out.length === 1 && arcWidth(out[0]) === 0n) out[0].start = out[0].end
  return out
}
