/**
 * Latency histogram with log-spaced buckets (HDR-like): every sample costs
 * one bucket increment, so a run of millions of operations stays small and
 * histograms from many clients merge by adding counts. Bucket width is 1% of
 * its value, so a reported percentile is within 1% of the true sample.
 */
const MIN_MS = 0.001
const MAX_MS = 600_000
const GROWTH = 1.01
const LOG_GROWTH = Math.log(GROWTH)
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 1

export interface Summary {
  count: number
  mean: number
  min: number
  max: number
  p50: number
  p95: number
  p99: number
  p999: number
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  sum = 0
  min = Infinity
  max = 0

  record (ms: number): void {
    const v = Math.min(Math.max(ms, MIN_MS), MAX_MS)
    this.counts[Math.floor(Math.log(v / MIN_MS) / LOG_GROWTH)]++
    this.count++
    this.sum += ms
    if (ms < this.min) this.min = ms
    if (ms > this.max) this.max = ms
  }

  merge (other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i]
    this.count += other.count
    this.sum += other.sum
    this.min = Math.min(this.min, other.min)
    this.max = Math.max(this.max, other.max)
  }

  /** The value at quantile q (0..1): the geometric middle of its bucket, clamped to the seen range. */
  quantile (q: number): number {
    if (this.count === 0) return 0
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]
      if (seen >= rank) {
        const mid = MIN_MS * Math.pow(GROWTH, i + 0.5)
        return Math.min(Math.max(mid, this.min), this.max)
      }
    }
    return this.max
  }

  summary (): Summary {
    const r = (x: number): number => Math.round(x * 1000) / 1000
    return {
      count: this.count,
      mean: r(this.count === 0 ? 0 : this.sum / this.count),
      min: r(this.count === 0 ? 0 : this.min),
      max: r(this.max),
      p50: r(this.quantile(0.5)),
      p95: r(this.quantile(0.95)),
      p99: r(this.quantile(0.99)),
      p999: r(this.quantile(0.999))
    }
  }
}
