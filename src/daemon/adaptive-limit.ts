/**
 * How many client requests a peer works on at once, adapted to how long
 * its client operations take (AIMD on latency, as TCP on loss): below
 * `maxInflight` always, it grows for each operation that took less than
 * half of `targetMs` while at least half the limit was in use (by one until
 * it first shrank, slow start; then by one per limit's worth of operations)
 * and halves (at most once every DECREASE_EVERY_MS) when one took longer
 * than `targetMs`. It starts at `initial` and grows past it only while it
 * is used (TCP's window validation), so a burst of clients on a peer that
 * was idle or lightly used is not all let in at once; below `initial`, any
 * fast operation raises it by one, so a peer that shrank in a slow moment
 * and then served a trickle is back at `initial` for the next burst.
 *
 * Why: a fixed bound on requests in flight sets latency by Little's law
 * (in flight / throughput), and throughput depends on the machine, its load
 * and the other peers. Past the deadline of a client operation, queued work
 * turns into timeouts, open circuit breakers and quorum failures: 5xx for
 * load alone. Keeping latency near `targetMs` (a fraction of the deadline)
 * turns the excess into 429s instead. The signal is the coordinator's time
 * per operation (meshkv_client_ms), not the HTTP request's, so a client that
 * uploads slowly cannot shrink everyone's share. Pure: time from `now`.
 */

export interface AdaptiveLimitOptions {
  /** the ceiling (config maxInflight) */
  max: number
  /** client operation latency the limit steers towards (ms) */
  targetMs: number
  /** the floor: this many requests are always let in */
  min?: number
  /** where it starts (slow start) */
  initial?: number
  now?: () => number
}

export const ADAPTIVE_MIN = 4
export const ADAPTIVE_INITIAL = 64
/** one decrease per this long: a burst of slow replies is one signal, not many */
const DECREASE_EVERY_MS = 250
const DECREASE = 0.5

export class AdaptiveLimit {
  private value: number
  private lastDecrease = -Infinity
  /** until the first decrease, the limit grows by one per fast operation; then by one per limit's worth */
  private slowStart = true
  private readonly min: number
  private readonly initial: number
  private readonly now: () => number

  constructor (private readonly options: AdaptiveLimitOptions) {
    this.min = Math.min(options.max, options.min ?? ADAPTIVE_MIN)
    this.initial = Math.max(this.min, Math.min(options.max, options.initial ?? ADAPTIVE_INITIAL))
    this.value = this.initial
    this.now = options.now ?? (() => performance.now())
  }

  /** Requests that may be in flight now: a whole number from min to max. */
  get current (): number {
    return Math.floor(this.value)
  }

  /** A client operation took `ms`, with `inflight` requests in flight as it ended. */
  observe (ms: number, inflight: number): void {
    const { max, targetMs } = this.options
    if (ms > targetMs) {
      const now = this.now()
      if (now - this.lastDecrease < DECREASE_EVERY_MS) return
      this.lastDecrease = now
      this.slowStart = false
      this.value = Math.max(this.min, this.value * DECREASE)
    } else if (ms < targetMs / 2 && this.value < max) {
      if (this.value < this.initial) this.value = Math.min(this.initial, this.value + 1)
      else if (inflight >= this.value / 2) this.value = Math.min(max, this.value + (this.slowStart ? 1 : 1 / this.value))
    }
  }
}
