/**
 * Says whether something worth logging (a refused peer, for one reason) is
 * due again: at most once per period per key, with a bounded table, so a
 * peer that is refused every second, or many peers, cannot flood the log or
 * grow memory.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, number>()

  constructor (private readonly periodMs: number, private readonly maxKeys: number) {}

  /** True when `key` was not logged within the period before `now` (monotonic ms); records it as logged. */
  due (key: string, now: number): boolean {
    const last = this.last.get(key)
    if (last !== undefined && now - last < this.periodMs) return false
    if (this.last.size >= this.maxKeys) {
      for (const [k, t] of this.last) if (now - t >= this.periodMs) this.last.delete(k)
      if (this.last.size >= this.maxKeys) this.last.clear()
    }
    this.last.set(key, now)
    return true
  }
}
