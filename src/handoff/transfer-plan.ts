/**
 * What a joiner must pull, and from whom: the arcs of the ring with the
 * joiner added whose preference list holds the joiner, each with the peers
 * that hold it now (its preference list in the current ring). Adding a
 * member only adds tokens, so every arc of the new ring lies inside one arc
 * of the current ring, whose replicas hold all of it. Pure.
 */
import { inRange } from '../ring/index.js'
import type { Ring } from '../ring/index.js'
import type { Arc } from './arc-set.js'

export interface ArcPlan {
  arc: Arc
  /** the arc's current holders, in preference order, never the joiner */
  holders: string[]
}

export function planJoin (current: Ring, next: Ring, selfId: string, n: number): ArcPlan[] {
  const before = current.ranges(n)
  if (before.length === 0) return []
  const out: ArcPlan[] = []
  for (const r of next.ranges(n)) {
    if (!r.replicas.includes(selfId)) continue
    const old = before.find(o => inRange(r.end, o))
    const holders = (old?.replicas ?? []).filter(p => p !== selfId)
    if (holders.length > 0) out.push({ arc: { start: r.start, end: r.end }, holders })
  }
  return out
}

/**
 * Which holder to ask for each arc at a given attempt: the arcs are spread
 * over their holders (by the arc's position) so no one holder serves every
 * pull, and each failed attempt moves an arc to its next holder.
 */
export function holderFor (plan: ArcPlan, attempt: number): string {
  const spread = Number(plan.arc.end % 7919n)
  return plan.holders[(spread + attempt) % plan.holders.length]
}
