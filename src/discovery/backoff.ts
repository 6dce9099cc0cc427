/**
 * When each of a bounded set of things may be tried again: exponential
 * backoff from `minMs` to `maxMs` per key, reset by success. Time is passed
 * in (monotonic ms), so it is pure and testable.
 */
export class Backoff {
  private readonly next = new Map<string, { at: number, delay: number }>()

  constructor (private readonly minMs: number, private readonly maxMs: number, private readonly maxKeys = 1024) {}

  due (key: string, now: number): boolean {
    const n = this.next.get(key)
    return n === undefined || now >= n.at
  }

  /** a try was made now and failed (or found nothing): wait longer before the next */
  failed (key: string, now: number): void {
    const prev = this.next.get(key)
    const delay = prev === undefined ? this.minMs : Math.min(this.maxMs, prev.delay * 2)
    if (prev === undefined && this.next.size >= this.maxKeys) {
      // full: forget the oldest entry rather than grow
      const oldest = this.next.keys().next().value
      if (oldest !== undefined) this.next.delete(oldest)
    }
    this.next.set(key, { at: now + delay, delay })
  }

  /** a try succeeded: the next failure starts from minMs again */
  reset (key: string): void {
    this.next.delete(key)
  }

  /** forget keys not in `keep`, so the map stays bounded by what is tracked */
  retain (keep: ReadonlySet<string>): void {
    for (const k of this.next.keys()) if (!keep.has(k)) this.next.delete(k)
  }
}
