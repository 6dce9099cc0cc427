/**
 * The ring this peer places keys on, following its membership view. The
 * coordinator, the replica and healing keep one Placement; behind it the
 * ring is rebuilt on every view change, and replaced when the cluster's
 * tokensPerUnit is adopted: a joiner that has not chosen its tokens yet
 * chooses them for the cluster's value, a member chooses its tokens again
 * for it, stores and announces them.
 */
import { healthFromState, RingPlacement } from '../coordinator/placement.js'
import { allocateTokens } from '../ring/allocator.js'
import { holdsPositions } from '../membership/view.js'
import type { Placement } from '../coordinator/placement.js'
import type { Membership } from '../membership/membership.js'
import type { Member } from '../membership/view.js'
import type { Ring } from '../ring/index.js'
import type { Logger } from '@libp2p/interface'

export interface RingViewInit {
  self: { id: string, capacity: number, zone?: string }
  membership: Membership
  tokensPerUnit: number
  /** whether this peer's tokens are chosen (a joiner chooses them once it heard the ring) */
  tokensChosen: boolean
  saveTokens: (tokens: bigint[]) => Promise<void>
  log: Logger
}

export class RingView {
  /** the placement the coordinator keeps: it reads whatever ring is current */
  readonly placement: Placement
  private current: RingPlacement
  private perUnit: number
  private tokensChosen: boolean

  constructor (private readonly init: RingViewInit) {
    this.perUnit = init.tokensPerUnit
    this.tokensChosen = init.tokensChosen
    this.current = this.build()
    this.placement = {
      selfId: init.self.id,
      preferenceList: (key, n) => this.current.preferenceList(key, n),
      health: (id) => this.current.health(id),
      sloppyTargets: (key, n) => this.current.sloppyTargets(key, n)
    }
  }

  /** the placement of the current ring (replaced when tokensPerUnit is adopted) */
  get ringPlacement (): RingPlacement {
    return this.current
  }

  get ring (): Ring {
    return this.current.ring
  }

  get tokensPerUnit (): number {
    return this.perUnit
  }

  /** The view changed: the ring is rebuilt from the members that hold positions. */
  update (): void {
    this.current.update(ringMembers(this.init.membership.members()))
  }

  /** A joiner chose its tokens (it is still joining): they are announced. */
  setTokens (tokens: bigint[]): void {
    this.tokensChosen = true
    this.init.membership.setTokens(tokens)
  }

  /** The cluster's tokensPerUnit, adopted: the ring is placed anew for it. */
  adoptTokensPerUnit (value: number): void {
    if (value === this.perUnit) return
    this.perUnit = value
    const { self, membership } = this.init
    if (this.tokensChosen) {
      // this peer's tokens are chosen again for the cluster's tokensPerUnit, stored, then announced
      const chosen = allocateTokens(ringMembers(membership.members()).filter(m => m.id !== self.id), self, value)
      this.init.saveTokens(chosen).catch(err => { this.init.log.error('ring tokens not stored: %s', (err as Error).message) })
      membership.setTokens(chosen)
    }
    this.current = this.build()
  }

  private build (): RingPlacement {
    const { membership } = this.init
    return new RingPlacement(this.init.self.id, ringMembers(membership.members()), this.perUnit, id => healthFromState(membership.member(id)?.state))
  }
}

/** Members that hold ring positions: up, suspect and down ones (not joining, leaving, or down after leaving). */
export function ringMembers (members: Member[]): Member[] {
  return members.filter(m => holdsPositions(m))
}
