/**
 * Members that went down and were forgotten by the view, remembered as down
 * owners for a grace period more. The view forgets a down member after
 * `forgetAfterMs` (minutes), far sooner than a tombstone's grace (a day):
 * without this, a replica that missed a delete and stayed down past
 * forgetAfterMs would drop out of every key's owners, the others would
 * collect, and when it came back its old value would be the only copy left.
 * Kept, it stays silent and blocks collection of the keys it owned until it
 * returns (and gets the delete) or the grace has passed since it was
 * forgotten.
 *
 * In memory only, so a peer that restarts forgets them (noted in
 * docs/architecture.md). Members that were leaving (they hand their keys
 * over) or joining (they held none) are not kept. Bounded by `max`.
 */
import type { Member } from '../membership/view.js'

export class FormerMembers {
  private last = new Map<string, Member>()
  private readonly gone = new Map<string, { member: Member, until: number }>()

  constructor (private readonly keepMs: number, private readonly max: number) {}

  /** Record the view of now (monotonic ms); returns it with the members kept as down. */
  observe (members: Member[], now: number): Member[] {
    const present = new Set(members.map(m => m.id))
    for (const [id, m] of this.last) {
      if (present.has(id) || m.state === 'leaving' || m.state === 'joining' || m.left === true || this.gone.has(id)) continue
      this.gone.set(id, { member: { ...m, state: 'down', self: false }, until: now + this.keepMs })
    }
    for (const id of present) this.gone.delete(id)
    for (const [id, g] of this.gone) if (g.until <= now) this.gone.delete(id)
    // oldest first: a Map iterates in insertion order
    for (const id of this.gone.keys()) {
      if (this.gone.size <= this.max) break
      this.gone.delete(id)
    }
    this.last = new Map(members.map(m => [m.id, m]))
    return [...members, ...[...this.gone.values()].map(g => g.member)]
  }

  /** ids of the members kept as down */
  get kept (): string[] {
    return [...this.gone.keys()]
  }
}
