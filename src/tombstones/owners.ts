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
import type { Member } from '../membership/view.js'

/** Members that own ring positions, or owned them before they went down. */
function owning (m: Member): boolean {
  return m.state === 'up' || m.state === 'suspect' || m.state === 'down'
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
