/**
 * Client requests over the last minutes, for the web view: every SAMPLE_MS
 * the requests that ended in the period become one sample (rate, errors,
 * latency percentiles), and the last MAX_SAMPLES are kept. Bounded: a
 * period keeps at most MAX_LATENCIES latencies (a uniform reservoir of
 * them past that), so a flood of requests costs no more memory than a few.
 */

export const SAMPLE_MS = 2_000
/** 5 minutes of samples */
export const MAX_SAMPLES = 150
const MAX_LATENCIES = 2_048

export interface RequestSample {
  /** end of the period, epoch ms */
  t: number
  /** requests that ended in the period, and of them those answered with a 5xx */
  requests: number
  errors: number
  /** requests per second over the period */
  rate: number
  /** latency in ms (null in a period without requests) */
  p50: number | null
  p99: number | null
  max: number | null
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

const ms = (x: number): number => Math.round(x * 100) / 100

export class RequestSeries {
  private readonly samples: RequestSample[] = []
  private latencies: number[] = []
  private requests = 0
  private errors = 0
  private max = 0
  private periodStart = performance.now()
  private timer?: ReturnType<typeof setInterval>
  private readonly listeners = new Set<(s: RequestSample) => void>()

  constructor (private readonly sampleMs = SAMPLE_MS) {}

  /** One request ended after `ms` with HTTP status `status`. */
  record (latencyMs: number, status: number): void {
    this.requests++
    if (status >= 500) this.errors++
    if (latencyMs > this.max) this.max = latencyMs
    if (this.latencies.length < MAX_LATENCIES) this.latencies.push(latencyMs)
    else {
      const i = Math.floor(Math.random() * this.requests)
      if (i < MAX_LATENCIES) this.latencies[i] = latencyMs
    }
  }

  /** Close the current period into a sample (the timer does this; tests call it directly). */
  sample (): RequestSample {
    const now = performance.now()
    const seconds = Math.max(0.001, (now - this.periodStart) / 1000)
    const sorted = this.latencies.sort((a, b) => a - b)
    const s: RequestSample = {
      t: Date.now(),
      requests: this.requests,
      errors: this.errors,
      rate: Math.round(this.requests / seconds * 100) / 100,
      p50: sorted.length > 0 ? ms(percentile(sorted, 0.5)) : null,
      p99: sorted.length > 0 ? ms(percentile(sorted, 0.99)) : null,
      max: this.requests > 0 ? ms(this.max) : null
    }
    this.samples.push(s)
    if (this.samples.length > MAX_SAMPLES) this.samples.shift()
    this.latencies = []
    this.requests = 0
    this.errors = 0
    this.max = 0
    this.periodStart = now
    // a listener that throws (a socket gone) must not stop the sampling timer
    for (const l of this.listeners) { try { l(s) } catch {} }
    return s
  }

  /** The kept samples, oldest first (copies). */
  all (): RequestSample[] {
    return this.samples.map(s => ({ ...s }))
  }

  /** Call `fn` with each new sample; returns the way to stop. */
  onSample (fn: (s: RequestSample) => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  start (): void {
    if (this.timer !== undefined) return
    this.periodStart = performance.now()
    this.timer = setInterval(() => { this.sample() }, this.sampleMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.listeners.clear()
  }
}
