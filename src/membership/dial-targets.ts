/**
 * Which members a peer dials on its own, and when.
 *
 * Past `limit` members each peer picks its own subset by rendezvous hashing
 * (lowest hash of "self|member" first): every member is picked by about
 * `limit` others, so no peer becomes the hub that a plain "first k by id"
 * makes of the lowest ids, and the pick is stable while the view is, so
 * connections do not churn.
 *
 * Two peers that dial each other at once end up with two connections, so
 * one side of each pair (chosen by a hash of the pair, not by id order)
 * dials at once and the other only after the pair has stayed unconnected
 * for `patience` rounds: a side that cannot dial (a NAT, a dead address)
 * does not leave the pair apart for good.
 */
import { hash64Parts } from '../ring/hash.js'

export class DialTargets {
  private readonly rank = new Map<string, number>()
  private readonly waited = new Map<string, number>()

  constructor (private readonly self: string, private readonly patience = 3) {}

  /** up to `limit` of `members` (self excluded), best-ranked first */
  pick (members: string[], limit: number): string[] {
    const others = members.filter(id => id !== this.self)
    if (others.length <= limit) return others
    return others
      .map(id => ({ id, r: this.rankOf(id) }))
      .sort((a, b) => a.r - b.r || (a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map(x => x.id)
  }

  /** one round: the picked members (and `also`, members kept besides: the ring neighbours) not connected that this side should dial now */
  due (members: string[], connected: ReadonlySet<string>, limit: number, also: readonly string[] = []): string[] {
    this.retain(members)
    const out: string[] = []
    const inView = new Set(members)
    const targets = new Set([...this.pick(members, limit), ...also.filter(id => id !== this.self && inView.has(id))])
    for (const id of targets) {
      if (connected.has(id)) {
        this.waited.delete(id)
        continue
      }
      const rounds = (this.waited.get(id) ?? 0) + 1
      this.waited.set(id, rounds)
      if (this.dialsFirst(id) || rounds > this.patience) out.push(id)
    }
    return out
  }

  /** whether this side of the pair {self, id} dials first; the other side gets the opposite answer */
  dialsFirst (id: string): boolean {
    const [a, b] = this.self < id ? [this.self, id] : [id, this.self]
    const bit = hash64Parts(`${a}|${b}`)[1] & 1
    return (bit === 0) === (this.self === a)
  }

  /** forget members no longer in the view, so the caches stay bounded by it */
  retain (members: Iterable<string>): void {
    const keep = new Set(members)
    for (const id of this.rank.keys()) if (!keep.has(id)) this.rank.delete(id)
    for (const id of this.waited.keys()) if (!keep.has(id)) this.waited.delete(id)
  }

  private rankOf (id: string): number {
    let r = this.rank.get(id)
    if (r === undefined) {
      r = hash64Parts(`${this.self}|${id}`)[0]
      this.rank.set(id, r)
    }
    return r
  }
}
