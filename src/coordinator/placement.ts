/**
 * Where keys live: the ring built from the members that hold positions (up,
 * suspect and down: src/membership/view.ts), rebuilt only when the view's
 * ring-relevant part changes. Every peer with the same view derives the same
 * preference lists.
 *
 * Sloppy quorum (Dynamo's "first N healthy nodes"): a key's owners are its
 * preference list of n; an owner that is down is stood in for by the next
 * healthy peer further along the same ring walk, which takes the write with
 * a hint naming the owner (src/handoff/). A suspect owner is still tried
 * first; the peers after the stand-ins back it up when it fails.
 */
import { Ring } from '../ring/index.js'
import type { Member } from '../membership/view.js'

/** down: do not try it; suspect: try it, but expect to fall back */
export type Health = 'healthy' | 'suspect' | 'down'

/** A peer to send a key's write (or read) to; `hintFor` names the owner it stands in for. */
export interface SloppyTarget {
  peer: string
  hintFor?: string
}

export interface SloppyTargets {
  /** the preference list of n */
  owners: string[]
  /**
   * One per owner, in preference order: the owner itself unless it is down,
   * else the next healthy peer of the walk with `hintFor` the owner. Shorter
   * than `owners` when too few healthy peers are left to stand in.
   */
  targets: SloppyTarget[]
  /** healthy peers further along the walk, in order, not among the targets: who backs up a target that fails */
  spares: string[]
}

export interface Placement {
  readonly selfId: string
  preferenceList: (key: string, n: number) => string[]
  /** what this peer believes of a peer's health (itself: always healthy) */
  health: (peer: string) => Health
  /** the sloppy targets of a key for n replicas */
  sloppyTargets: (key: string, n: number) => SloppyTargets
}

/** How far past n the walk goes for stand-ins and spares: as many again as n. */
export function walkLength (n: number): number {
  return 2 * n
}

/**
 * The sloppy targets from a ring walk (`walk`: the preference list of some
 * length past n, whose first n are the owners). Pure.
 */
export function sloppyTargetsOf (walk: string[], n: number, health: (peer: string) => Health): SloppyTargets {
  const owners = walk.slice(0, n)
  const fallbacks = walk.slice(n).filter(p => health(p) !== 'down')
  const targets: SloppyTarget[] = []
  for (const owner of owners) {
    if (health(owner) !== 'down') { targets.push({ peer: owner }); continue }
    const standIn = fallbacks.shift()
    if (standIn !== undefined) targets.push({ peer: standIn, hintFor: owner })
  }
  return { owners, targets, spares: fallbacks }
}

/**
 * Suspect peers after the others, the order otherwise kept: a coordinator
 * forwards a write to the replicas likely to answer first, where a suspect
 * one (a partition not yet decided) would spend most of the deadline in
 * silence before anyone else is tried. Pure.
 */
export function healthyFirst (peers: string[], health: (peer: string) => Health): string[] {
  return [...peers.filter(p => health(p) !== 'suspect'), ...peers.filter(p => health(p) === 'suspect')]
}

export class RingPlacement implements Placement {
  private current: Ring

  /** `health`: from membership (none given: every peer is healthy) */
  constructor (readonly selfId: string, members: Member[], private readonly tokensPerUnit: number, private readonly healthOf: (peer: string) => Health = () => 'healthy') {
    this.current = this.build(members)
  }

  get ring (): Ring {
    return this.current
  }

  /** Rebuild from the members that hold ring positions; true when the ring changed. */
  update (members: Member[]): boolean {
    const next = this.build(members)
    if (next.equals(this.current)) return false
    this.current = next
    return true
  }

  preferenceList (key: string, n: number): string[] {
    return this.current.preferenceList(key, n)
  }

  health (peer: string): Health {
    return peer === this.selfId ? 'healthy' : this.healthOf(peer)
  }

  sloppyTargets (key: string, n: number): SloppyTargets {
    return sloppyTargetsOf(this.current.preferenceList(key, walkLength(n)), n, peer => this.health(peer))
  }

  private build (members: Member[]): Ring {
    // announced tokens when a member has them (its ring positions), else derived from its id
    return new Ring(members.map(m => ({ id: m.id, capacity: m.capacity, zone: m.zone, tokens: m.tokens })), { tokensPerUnit: this.tokensPerUnit })
  }
}

/** A member's health from its membership state; a peer this peer does not know is down. */
export function healthFromState (state: Member['state'] | undefined): Health {
  if (state === 'up') return 'healthy'
  if (state === 'suspect') return 'suspect'
  // joining and leaving peers hold no positions but answer: they may stand in
  if (state === 'joining' || state === 'leaving') return 'healthy'
  return 'down'
}
