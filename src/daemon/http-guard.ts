/**
 * Load shedding in front of the HTTP API's routes: at most `maxInflight`
 * client requests are worked on at once (fewer while client operations take
 * longer than the target latency: src/daemon/adaptive-limit.ts), and each client address gets at
 * most its rate (a token bucket; off when clientRatePerSec is 0). A request
 * past either is answered at once with 429 and Retry-After
 * (OverloadedError, ERR_OVERLOADED) instead of waiting in a queue with no
 * bound: an overloaded peer stays responsive and never turns load into
 * 5xx. /status and /metrics are never refused (an operator must see a
 * saturated peer); long streams (export, import, leave, the web view's
 * events, which last as long as its page is open) are rate limited but not
 * counted in flight (they have their own bound).
 */
import { MAX_RATE_LIMITED_CLIENTS } from '../constants.js'
import { OverloadedError } from '../errors.js'
import { AdaptiveLimit } from './adaptive-limit.js'
import { RateLimiter } from './token-bucket.js'

export interface GuardOptions {
  /** client requests in flight at once; more are answered 429 */
  maxInflight: number
  /** requests per second per client address; 0: no per-client limit */
  clientRatePerSec: number
  /** requests a client may make at once above its rate */
  clientBurst: number
  maxClients?: number
  /**
   * client operation latency the in-flight limit steers towards, below
   * maxInflight (src/daemon/adaptive-limit.ts); absent or 0: maxInflight alone
   */
  targetLatencyMs?: number
  now?: () => number
}

const EXEMPT = new Set(['/status', '/metrics'])
const STREAMS = new Set(['/export', '/import', '/leave', '/events'])

export class HttpGuard {
  private inflight = 0
  private readonly limiter?: RateLimiter
  private readonly adaptive?: AdaptiveLimit

  constructor (private readonly options: GuardOptions) {
    if (options.clientRatePerSec > 0) {
      this.limiter = new RateLimiter({ ratePerSec: options.clientRatePerSec, burst: Math.max(1, options.clientBurst), maxClients: options.maxClients ?? MAX_RATE_LIMITED_CLIENTS, now: options.now })
    }
    if (options.targetLatencyMs !== undefined && options.targetLatencyMs > 0) this.adaptive = new AdaptiveLimit({ max: options.maxInflight, targetMs: options.targetLatencyMs, now: options.now })
  }

  get inFlight (): number {
    return this.inflight
  }

  /** client requests let in at once now: maxInflight, or less while client operations are slow */
  get limit (): number {
    return this.adaptive?.current ?? this.options.maxInflight
  }

  /** A client operation this peer coordinated took `ms` (feeds the adaptive limit). */
  observe (ms: number): void {
    this.adaptive?.observe(ms, this.inflight)
  }

  /**
   * Admit a request to `path` from `client`, or say why not. When admitted,
   * `release` must be called once it is answered.
   */
  admit (path: string, client: string): { release: () => void } | { refused: OverloadedError, reason: 'inflight' | 'rate' } {
    if (EXEMPT.has(path)) return { release: () => {} }
    const wait = this.limiter?.take(client) ?? 0
    if (wait > 0) {
      const after = Math.max(1, Math.ceil(wait))
      return { refused: new OverloadedError(`client ${client} is over its rate of ${this.options.clientRatePerSec} requests a second (burst ${this.options.clientBurst}): try again in ${after} s`, after), reason: 'rate' }
    }
    if (STREAMS.has(path)) return { release: () => {} }
    const limit = this.limit
    if (this.inflight >= limit) {
      const why = limit < this.options.maxInflight ? `limit ${limit} now, as its latency allows; maxInflight ${this.options.maxInflight}` : `maxInflight ${limit}`
      return { refused: new OverloadedError(`this peer is saturated: ${this.inflight} client requests in flight (${why}); try again in 1 s`, 1), reason: 'inflight' }
    }
    this.inflight++
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        this.inflight--
      }
    }
  }
}
