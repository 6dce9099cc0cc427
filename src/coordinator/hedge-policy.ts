/**
 * When a write may be hedged: another replica tried beside one that is
 * silent. A hedge is a second mint, a second write and replication: in a
 * cluster that is only busy, hedging every slow write multiplies the load
 * that made it slow. So:
 *
 * - the delay adapts to the latency seen: the usual write latency plus four
 *   deviations (as TCP's retransmission timer), at least HEDGE_MIN_MS and at
 *   most an even share of the deadline;
 * - a replica silent past it is marked slow for SLOW_FOR_MS (an answer clears
 *   the mark) and tried last by later writes, so one stuck replica costs one
 *   hedge, not one per write;
 * - hedging away from a slow replica to one not marked slow is free; any
 *   other hedge takes a token from a budget refilled by HEDGE_BUDGET_SHARE of
 *   the writes (at most HEDGE_BUDGET_BURST saved), so when every replica is
 *   slow (load), at most about one write in ten is hedged.
 */
import { HEDGE_MIN_MS } from '../constants.js'

const SLOW_FOR_MS = 10_000
const HEDGE_BUDGET_SHARE = 0.1
const HEDGE_BUDGET_BURST = 10
/** Most peers remembered as slow; marks expire anyway. */
const MAX_SLOW = 1024

export class HedgePolicy {
  private srtt = 0
  private rttvar = 0
  private seen = false
  private tokens = HEDGE_BUDGET_BURST
  private readonly slowUntil = new Map<string, number>()

  /** `minMs`: the shortest hedge delay */
  constructor (private readonly minMs = HEDGE_MIN_MS) {}

  /** a successful write took `ms`; `peer` answered it */
  succeeded (peer: string, ms: number): void {
    this.slowUntil.delete(peer)
    if (!this.seen) {
      this.srtt = ms
      this.rttvar = ms / 2
      this.seen = true
    } else {
      this.rttvar += 0.25 * (Math.abs(this.srtt - ms) - this.rttvar)
      this.srtt += 0.125 * (ms - this.srtt)
    }
    this.tokens = Math.min(HEDGE_BUDGET_BURST, this.tokens + HEDGE_BUDGET_SHARE)
  }

  /** how long a replica may be silent before the next one is tried (ms) */
  delay (timeoutMs: number, replicas: number): number {
    return Math.min(Math.max(this.minMs, this.srtt + 4 * this.rttvar), timeoutMs / replicas)
  }

  /** the replicas in the order to try: `first` (this peer, when a replica) first, slow ones last */
  order (prefs: string[], first: string | undefined, now = performance.now()): string[] {
    const rest = prefs.filter(p => p !== first)
    const fast = rest.filter(p => !this.isSlow(p, now))
    const slow = rest.filter(p => this.isSlow(p, now))
    return first !== undefined && prefs.includes(first) ? [first, ...fast, ...slow] : [...fast, ...slow]
  }

  /** `silent` did not answer in time: may `next` be tried beside it? */
  mayHedge (silent: string, next: string, now = performance.now()): boolean {
    this.markSlow(silent, now)
    if (!this.isSlow(next, now)) return true
    if (this.tokens < 1) return false
    this.tokens--
    return true
  }

  private isSlow (peer: string, now: number): boolean {
    const until = this.slowUntil.get(peer)
    if (until === undefined) return false
    if (until > now) return true
    this.slowUntil.delete(peer)
    return false
  }

  private markSlow (peer: string, now: number): void {
    this.slowUntil.delete(peer)
    this.slowUntil.set(peer, now + SLOW_FOR_MS)
    // insertion order is age order
    for (const oldest of this.slowUntil.keys()) {
      if (this.slowUntil.size <= MAX_SLOW) break
      this.slowUntil.delete(oldest)
    }
  }
}
