/**
 * Per-client rate limits: a token bucket per client address (`ratePerSec`
 * tokens a second, up to `burst`), in a map of at most `maxClients` (the
 * client seen least recently goes first; a client forgotten comes back with
 * a full bucket, which errs towards letting it in). Pure: time from `now`.
 */

interface Bucket { tokens: number, at: number }

export interface RateLimiterOptions {
  ratePerSec: number
  burst: number
  maxClients: number
  now?: () => number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly now: () => number

  constructor (private readonly options: RateLimiterOptions) {
    this.now = options.now ?? (() => performance.now())
  }

  /** 0 when the client may go now (a token is taken), else the seconds until it may. */
  take (client: string): number {
    const { ratePerSec, burst, maxClients } = this.options
    const now = this.now()
    let b = this.buckets.get(client)
    if (b === undefined) {
      if (this.buckets.size >= maxClients) this.buckets.delete(this.buckets.keys().next().value!)
      b = { tokens: burst, at: now }
    } else {
      this.buckets.delete(client)
      b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1000 * ratePerSec)
      b.at = now
    }
    this.buckets.set(client, b)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return (1 - b.tokens) / ratePerSec
  }

  get clients (): number {
    return this.buckets.size
  }
}
