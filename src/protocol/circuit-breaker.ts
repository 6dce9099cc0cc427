/**
 * A circuit breaker per peer: a peer that keeps timing out (or cannot be
 * dialled) is not sent requests for a while, so a coordinator fails over to
 * another replica (or a spare, under sloppy quorum) at once instead of
 * waiting out a deadline for each request. After `openMs` one request is let
 * through as a probe (half-open): its success closes the breaker, its failure
 * opens it again for twice as long (up to `maxOpenMs`). Only failures that
 * say the peer is unwell count: a typed error reply means it answered. And
 * a peer that answered anything within `quietMs` is not cut off, however
 * many requests to it just timed out: a burst of timeouts to a peer that is
 * merely busy would otherwise open its breaker and turn load into failures.
 * Pure: time comes from `now`.
 */

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerOptions {
  /** consecutive failures that open the breaker */
  failures: number
  /** how long it stays open before a probe (ms) */
  openMs: number
  /** the longest it stays open after failed probes (ms) */
  maxOpenMs: number
  /** how long the peer must have answered nothing before failures open the breaker (ms; default openMs) */
  quietMs?: number
}

export class CircuitBreaker {
  private state: BreakerState = 'closed'
  private failed = 0
  private openedAt = 0
  private openFor: number
  private probing = false
  private lastAnswer: number

  constructor (private readonly options: BreakerOptions, private readonly now: () => number = () => performance.now()) {
    this.openFor = options.openMs
    this.lastAnswer = now()
  }

  /** The state now (an open breaker past its time reads half-open). */
  get current (): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.openFor) return 'half-open'
    return this.state
  }

  /** consecutive failures so far */
  get failures (): number {
    return this.failed
  }

  /** ms until an open breaker lets a probe through (0 when it would now) */
  retryInMs (): number {
    return this.state === 'open' ? Math.max(0, this.openFor - (this.now() - this.openedAt)) : 0
  }

  /** May a request go now? Half-open lets exactly one through (the probe) until it reports. */
  allow (): boolean {
    const state = this.current
    if (state === 'closed') return true
    if (state === 'open') return false
    if (this.probing) return false
    this.state = 'half-open'
    this.probing = true
    return true
  }

  success (): void {
    this.lastAnswer = this.now()
    this.failed = 0
    this.probing = false
    this.state = 'closed'
    this.openFor = this.options.openMs
  }

  /** A request ended saying nothing of the peer (refused locally): a probe slot is freed. */
  release (): void {
    this.probing = false
  }

  /** Returns true when this failure opened the breaker. */
  failure (): boolean {
    this.failed++
    if (this.state === 'half-open') {
      this.probing = false
      this.openFor = Math.min(this.openFor * 2, this.options.maxOpenMs)
      this.open()
      return true
    }
    if (this.state === 'closed' && this.failed >= this.options.failures && this.now() - this.lastAnswer >= (this.options.quietMs ?? this.options.openMs)) {
      this.open()
      return true
    }
    return false
  }

  private open (): void {
    this.state = 'open'
    this.openedAt = this.now()
  }
}

/**
 * The breakers of every peer this node sends to, at most `maxPeers` (past
 * it the closed breaker unused longest is dropped; open ones are kept, and
 * when every one is open the oldest goes).
 */
export class Breakers {
  private readonly byPeer = new Map<string, CircuitBreaker>()

  constructor (readonly options: BreakerOptions, private readonly maxPeers = 4096, private readonly now: () => number = () => performance.now()) {}

  get (peer: string): CircuitBreaker {
    let b = this.byPeer.get(peer)
    if (b !== undefined) {
      // most recently used last
      this.byPeer.delete(peer)
      this.byPeer.set(peer, b)
      return b
    }
    if (this.byPeer.size >= this.maxPeers) {
      let victim: string | undefined
      for (const [id, x] of this.byPeer) if (x.current === 'closed') { victim = id; break }
      this.byPeer.delete(victim ?? this.byPeer.keys().next().value!)
    }
    b = new CircuitBreaker(this.options, this.now)
    this.byPeer.set(peer, b)
    return b
  }

  forget (peer: string): void {
    this.byPeer.delete(peer)
  }

  get size (): number {
    return this.byPeer.size
  }

  /** Peers whose breaker is not closed, with its state and failures (status). */
  notClosed (): Record<string, { state: BreakerState, failures: number, retryInMs: number }> {
    const out: Record<string, { state: BreakerState, failures: number, retryInMs: number }> = {}
    for (const [peer, b] of this.byPeer) {
      const state = b.current
      if (state !== 'closed') out[peer] = { state, failures: b.failures, retryInMs: Math.round(b.retryInMs()) }
    }
    return out
  }
}
