/**
 * This peer's own health, as Lifeguard (Dadgar et al., 2018) measures it:
 * a peer that is itself slow (a GC pause, a busy loop, a starved machine)
 * sees its probes answered late and would accuse healthy members, and each
 * false accusation costs a report and a refutation broadcast to the whole
 * cluster. So it counts the signs that the fault is its own, and while
 * there are any it asks for more evidence before accusing: the phi
 * threshold is multiplied by `multiplier()`.
 *
 * Signs, each +1 up to `max`: its own probe tick ran late (its loop was
 * blocked), or another member reported it suspect (it was alive to hear
 * it, so it answered too slowly). Each probe period in which every probe
 * it sent was answered takes 1 off. Pure: no I/O, no clock.
 */

export interface LocalHealthOptions {
  /** the most the score can reach (Lifeguard's S: 8) */
  max: number
}

export const DEFAULT_LOCAL_HEALTH: LocalHealthOptions = { max: 8 }

export class LocalHealth {
  private score = 0

  constructor (private readonly options: LocalHealthOptions = DEFAULT_LOCAL_HEALTH) {}

  /** A sign that this peer is the slow one. */
  degraded (): void {
    this.score = Math.min(this.options.max, this.score + 1)
  }

  /** A probe period in which every probe was answered in time. */
  healthy (): void {
    this.score = Math.max(0, this.score - 1)
  }

  /** 0 when healthy, up to `max`. */
  get value (): number {
    return this.score
  }

  /** What the phi threshold is multiplied by: 1 when healthy, 1 + score otherwise. */
  multiplier (): number {
    return 1 + this.score
  }
}
