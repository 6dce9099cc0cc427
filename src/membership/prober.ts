/**
 * Direct liveness probes: each round, ping the watched members (watch-set.ts)
 * with a deadline, and feed each answer to that member's phi-accrual
 * detector. The set is bounded, so this costs the same per peer in a
 * cluster of 10 or of 1000. Time is monotonic (performance.now()).
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { PhiAccrualDetector } from './phi.js'
import type { Logger, PeerId } from '@libp2p/interface'

export interface ProberInit {
  /** one ping of a member: its round trip (ms) */
  ping: { ping: (peer: PeerId, options: { signal: AbortSignal }) => Promise<number> }
  /** probe period (ms): also the interval the detectors expect */
  periodMs: number
  /** deadline of one ping (ms) */
  timeoutMs: number
  /** a pause tolerated on top of the mean interval (ms) */
  acceptablePauseMs: number
  log: Logger
  /** a probe of this member was answered */
  onAnswer: (id: string, now: number) => void
}

export class Prober {
  private readonly detectors = new Map<string, PhiAccrualDetector>()
  private readonly inFlight = new Set<string>()
  private stopped = false
  sent = 0
  answered = 0
  failed = 0
  /** the last failure, for diagnostics */
  lastError?: string

  constructor (private readonly init: ProberInit) {}

  /** Probe `watched` (the members to watch now); members no longer watched are dropped. */
  round (watched: readonly string[], now: number): void {
    const keep = new Set(watched)
    for (const id of this.detectors.keys()) if (!keep.has(id)) this.detectors.delete(id)
    for (const id of watched) {
      if (!this.detectors.has(id)) {
        this.detectors.set(id, new PhiAccrualDetector(now, { firstIntervalMs: this.init.periodMs, acceptablePauseMs: this.init.acceptablePauseMs }))
      }
      if (this.inFlight.has(id)) continue
      this.inFlight.add(id)
      this.sent++
      this.init.ping.ping(peerIdFromString(id), { signal: AbortSignal.timeout(this.init.timeoutMs) })
        .then(() => {
          if (this.stopped) return
          const at = performance.now()
          this.answered++
          this.detectors.get(id)?.heartbeat(at)
          this.init.onAnswer(id, at)
        }, (err: Error) => {
          this.failed++
          this.lastError = err.message
          this.init.log.trace('ping %s failed: %s', id.slice(-8), err.message)
        })
        .finally(() => { this.inFlight.delete(id) })
    }
  }

  /** phi of a watched member at `now`; undefined when it is not watched. */
  phi (id: string, now: number): number | undefined {
    return this.detectors.get(id)?.phi(now)
  }

  watched (): string[] {
    return [...this.detectors.keys()]
  }

  /** Forget a member's history (it restarted: its old intervals say nothing about the new process). */
  reset (id: string, now: number): void {
    if (this.detectors.has(id)) this.detectors.set(id, new PhiAccrualDetector(now, { firstIntervalMs: this.init.periodMs, acceptablePauseMs: this.init.acceptablePauseMs }))
  }

  stop (): void {
    this.stopped = true
    this.detectors.clear()
  }
}
