/**
 * The phi-accrual failure detector (Hayashibara et al. 2004; as in Akka and
 * Cassandra): instead of a yes/no timeout it gives a suspicion level phi =
 * -log10(P(a heartbeat arrives later than now)), from the mean and standard
 * deviation of the last intervals between heartbeats, so a peer with a
 * jittery link is judged against its own history. Pure: the caller passes
 * the time, from a monotonic clock (performance.now()), so a wall-clock
 * step neither marks a live peer dead nor keeps a dead one alive.
 */

export interface PhiOptions {
  /** intervals remembered (a bound: memory is O(windowSize)) */
  windowSize?: number
  /** the interval expected before any is measured (ms): the probe period */
  firstIntervalMs: number
  /** floor of the standard deviation (ms), so perfectly regular arrivals do not make phi jump on the first late one */
  minStdDevMs?: number
  /** a pause tolerated on top of the mean (ms): garbage collection, a busy event loop */
  acceptablePauseMs?: number
}

export const DEFAULT_PHI_WINDOW = 100

export class PhiAccrualDetector {
  private readonly window: number
  private readonly minStdDev: number
  private readonly pause: number
  private readonly intervals: Float64Array
  private count = 0
  private next = 0
  private sum = 0
  private sumSq = 0
  private last: number

  /** `now`: when watching began; it counts as the first arrival */
  constructor (now: number, private readonly options: PhiOptions) {
    this.window = Math.max(2, Math.floor(options.windowSize ?? DEFAULT_PHI_WINDOW))
    this.minStdDev = options.minStdDevMs ?? Math.max(1, options.firstIntervalMs / 4)
    this.pause = options.acceptablePauseMs ?? 0
    this.intervals = new Float64Array(this.window)
    this.last = now
    // seed as Akka does: one interval either side of the expected one
    const sd = options.firstIntervalMs / 4
    this.add(options.firstIntervalMs - sd)
    this.add(options.firstIntervalMs + sd)
  }

  /** A heartbeat (a ping answer) arrived at `now`. Times before the last one are ignored. */
  heartbeat (now: number): void {
    if (!(now >= this.last)) return
    this.add(now - this.last)
    this.last = now
  }

  /** The suspicion level at `now`: 0 right after a heartbeat, growing while none arrives. */
  phi (now: number): number {
    const elapsed = Math.max(0, now - this.last)
    const mean = this.sum / this.count + this.pause
    const variance = Math.max(0, this.sumSq / this.count - (this.sum / this.count) ** 2)
    const sd = Math.max(Math.sqrt(variance), this.minStdDev)
    // logistic approximation of the normal CDF (Bowling et al. 2009), as Akka uses
    const y = (elapsed - mean) / sd
    const e = Math.exp(-y * (1.5976 + 0.070566 * y * y))
    const p = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e)
    const phi = -Math.log10(p)
    return Number.isFinite(phi) ? Math.max(0, phi) : Number.MAX_VALUE
  }

  /** The time of the last heartbeat. */
  get lastHeartbeat (): number {
    return this.last
  }

  /** Intervals currently remembered (at most the window). */
  get samples (): number {
    return this.count
  }

  private add (interval: number): void {
    if (this.count === this.window) {
      const old = this.intervals[this.next]
      this.sum -= old
      this.sumSq -= old * old
    } else {
      this.count++
    }
    this.intervals[this.next] = interval
    this.next = (this.next + 1) % this.window
    this.sum += interval
    this.sumSq += interval * interval
  }
}
