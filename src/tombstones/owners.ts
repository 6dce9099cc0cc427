/**
 * Whom a collection must ask: every replica a key has, including members
 * that are down. A down replica may be the one that missed the delete, so
 * it must be asked (and, being silent, block collection) rather than be
 * replaced by the next peer on the ring, as a write would replace it. The
 * shared design keeps down members in the placement ring (sloppy quorum);
 * this builds that ring itself so collection is safe whichever ring the
 * placement uses.
 */
import { RingPlacement } from '../coordinator/placement.js'
import { Ring } from '../ring/index.js'
import type { Member } from '../membership/view.js'

/** Members that own ring positions, or owned them before they went down (not after leaving: a leaver pushed its keys away). */
function owning (m: Member): boolean {
  return (m.state === 'up' || m.state === 'suspect' || m.state === 'down') && m.left !== true
}

/** The owners of any key in the view `members` (a snapshot: build one per pass). */
export function ownersIn (members: Member[], selfId: string, tokensPerUnit: number, n: number): (key: string) => string[] {
  const ring = new RingPlacement(selfId, members.filter(owning), tokensPerUnit)
  return key => ring.preferenceList(key, n)
}

/**
 * Why collection must wait, or undefined: while a member joins or leaves,
 * keys move between peers (range transfer), and an old holder may still
 * copy an old version to a new one that has collected.
 */
export function ringChange (members: Member[]): string | undefined {
  const moving = members.find(m => m.state === 'joining' || m.state === 'leaving')
  return moving === undefined ? undefined : `${moving.id} is ${moving.state}`
}

/**
 * The owners a collection must ask, over time: a key's owners in the ring
 * of now and in every ring of the last `keepMs` (a join or a leave moved
 * the key), among the members still in the view. A replica that missed a
 * delete while down, and lost the key's ownership to a joiner before it came
 * back, still holds the old value; once back, its handover pushes that value
 * to the new owners. Asked (silent while down, live once back) it blocks
 * collection until it has the delete or has handed the key over. Members
 * gone from the view (they left, pushing their keys; or were forgotten past
 * FormerMembers) are not asked. In memory, bounded by `max` rings (oldest
 * go first).
 */
export class OwnerHistory {
  private current?: Ring
  private former: Array<{ ring: Ring, until: number }> = []

  constructor (private readonly keepMs: number, private readonly max: number) {}

  /** The owning view of now (monotonic ms): members with FormerMembers' kept ones. */
  observe (members: Member[], tokensPerUnit: number, now: number): void {
    const ring = new Ring(members.filter(owning).map(m => ({ id: m.id, capacity: m.capacity, zone: m.zone, tokens: m.tokens })), { tokensPerUnit })
    if (this.current !== undefined && !this.current.equals(ring)) this.former.push({ ring: this.current, until: now + this.keepMs })
    this.current = ring
    this.former = this.former.filter(f => f.until > now).slice(-this.max)
  }

  /** The owners of any key: in the ring of now, then former owners still in the view. */
  owners (members: Member[], n: number): (key: string) => string[] {
    const present = new Set(members.filter(owning).map(m => m.id))
    const rings = [this.current, ...this.former.map(f => f.ring)].filter((r): r is Ring => r !== undefined)
    return key => {
      const out: string[] = []
      for (const ring of rings) for (const id of ring.preferenceList(key, n)) if (present.has(id) && !out.includes(id)) out.push(id)
      return out
    }
  }
}
