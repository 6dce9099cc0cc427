/**
 * A set of ring arcs (start, end], wrapping, asked whether a position falls
 * in any of them in O(log arcs): a holder tests every record it scans for a
 * pull against hundreds of arcs. Pure.
 */
import { inRange } from '../ring/index.js'

export interface Arc {
  start: bigint
  end: bigint
}

const TOP = (1n << 64n) - 1n

export class ArcSet {
  /** non-wrapping closed intervals [lo, hi], sorted by lo */
  private readonly lo: bigint[] = []
  private readonly hi: bigint[] = []
  private readonly whole: boolean

  constructor (readonly arcs: readonly Arc[]) {
    this.whole = arcs.some(a => a.start === a.end)
    const parts: Array<[bigint, bigint]> = []
    for (const { start, end } of arcs) {
      if (start === end) continue
      if (start < end) parts.push([start + 1n, end])
      else {
        // (start, top] and [0, end]
        if (start < TOP) parts.push([start + 1n, TOP])
        parts.push([0n, end])
      }
    }
    parts.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    for (const [lo, hi] of parts) {
      const last = this.hi.length - 1
      if (last >= 0 && lo <= this.hi[last] + 1n) {
        if (hi > this.hi[last]) this.hi[last] = hi
      } else {
        this.lo.push(lo)
        this.hi.push(hi)
      }
    }
  }

  has (position: bigint): boolean {
    if (this.whole) return true
    // the last interval starting at or below the position
    let a = 0
    let b = this.lo.length
    while (a < b) {
      const mid = (a + b) >>> 1
      if (this.lo[mid] <= position) a = mid + 1
      else b = mid
    }
    return a > 0 && position <= this.hi[a - 1]
  }

  get size (): number {
    return this.arcs.length
  }
}

/** Same answer as ArcSet.has, by brute force (tests). */
export function inAnyArc (position: bigint, arcs: readonly Arc[]): boolean {
  return arcs.some(a => inRange(position, a))
}
