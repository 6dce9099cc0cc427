/**
 * A new peer's way in: hear the ring, choose balanced tokens against it,
 * announce them while joining (holding no ring positions, so reads and
 * writes still go to the current holders), pull the arcs it will hold, and
 * only then announce up; then one more pull for writes that reached the old
 * holders meanwhile. A restart during the join (the joining marker is
 * stored) resumes with the stored tokens and the stored cursors.
 */
import { allocateTokens, Ring, tokensFor } from '../ring/index.js'
import { planJoin } from './transfer-plan.js'
import type { CursorStore } from './cursor-store.js'
import type { ArcPlan } from './transfer-plan.js'
import type { TransferManager } from './transfer-manager.js'
import type { Member } from '../membership/view.js'
import type { Logger } from '@libp2p/interface'

export interface JoinInit {
  self: { id: string, capacity: number, zone?: string }
  /** tokens stored by an interrupted join (undefined: choose them) */
  resumeTokens?: bigint[]
  /** the members holding ring positions now (never this peer while it joins) */
  ringMembers: () => Member[]
  /** the other members joining now */
  joiningMembers: () => Member[]
  n: () => number
  tokensPerUnit: () => number
  /** how long to wait to hear the cluster before choosing tokens (ms) */
  waitMs: number
  /** how long the view must stay the same before it counts as heard (ms) */
  settleMs: number
  cursors: CursorStore
  manager: TransferManager
  saveTokens: (tokens: bigint[]) => Promise<void>
  /** announce the tokens while joining */
  setTokens: (tokens: bigint[]) => void
  announceUp: () => Promise<void>
  log: Logger
  signal: AbortSignal
}

/** plans made over at most, when the ring changes while pulling */
const MAX_PLANS = 4

export async function join (init: JoinInit): Promise<void> {
  const { manager, cursors, log, self } = init
  manager.status.state = 'joining'
  const heard = await hearRing(init)
  const ring = (): Ring => new Ring(init.ringMembers().map(m => ({ id: m.id, capacity: m.capacity, zone: m.zone, tokens: m.tokens })), { tokensPerUnit: init.tokensPerUnit() })
  let tokens = init.resumeTokens
  if (tokens === undefined) {
    // joiners that start together would choose the same tokens against the
    // same ring: they choose one after the other (lowest id first), each
    // against the ring plus the tokens the earlier ones announced
    await earlierJoiners(init)
    const joiners = init.joiningMembers().filter(m => m.tokens !== undefined && m.tokens.length > 0)
    const members = [...ring().members(), ...joiners.map(m => ({ id: m.id, capacity: m.capacity, zone: m.zone, tokens: m.tokens }))]
    // against nobody the allocator would space the tokens evenly from one offset, worse than random
    tokens = members.length === 0 ? tokensFor(self, init.tokensPerUnit()) : allocateTokens(members, self, init.tokensPerUnit(), init.n())
    // the marker first: stored tokens without it would read as a member's on a restart
    await cursors.setJoining(true)
    await init.saveTokens(tokens)
  }
  init.setTokens(tokens)
  // the ring heard may still grow (announcements arrive over a few rounds):
  // members heard during the pulls make the plan over, so no arc is left
  // asked of peers that do not hold it
  let plans: ArcPlan[] = []
  for (let round = 0; round < MAX_PLANS; round++) {
    const current = ring()
    const next = new Ring([...current.members(), { ...self, tokens }], { tokensPerUnit: init.tokensPerUnit() })
    plans = planJoin(current, next, self.id, init.n())
    log('joining: %s %d members in the ring, %d arcs to pull', heard ? 'heard' : 'waited for', current.size, plans.length)
    manager.report('joining: pulling this peer\'s ranges from their holders', { members: current.size, arcs: plans.length, resumed: init.resumeTokens !== undefined })
    if (init.signal.aborted) return
    await manager.pull(plans, round === 0 ? 'join' : `join-${round}`)
    if (init.signal.aborted) return
    if (ring().equals(current)) break
  }
  await init.announceUp()
  manager.report('joined: ranges pulled, up', { keys: manager.status.keys, bytes: manager.status.bytes, arcsFailed: manager.status.arcsFailed })
  await cursors.setJoining(false)
  manager.status.state = 'catching-up'
  // writes that reached the old holders after their batch was sent
  await manager.pull(plans, `catchup-${Date.now()}`)
  await cursors.clear()
  if (manager.status.state === 'catching-up') manager.status.state = 'up'
}

/** Wait (bounded) while a joiner with a lower id has not announced its tokens. */
async function earlierJoiners (init: JoinInit): Promise<void> {
  const until = performance.now() + 2 * init.waitMs
  while (performance.now() < until && !init.signal.aborted) {
    const waiting = init.joiningMembers().some(m => m.id < init.self.id && (m.tokens === undefined || m.tokens.length === 0))
    if (!waiting) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Wait until members are heard and the view settled, or `waitMs`; true when some member was heard. */
async function hearRing (init: JoinInit): Promise<boolean> {
  const until = performance.now() + init.waitMs
  let last = ''
  let since = performance.now()
  while (performance.now() < until && !init.signal.aborted) {
    const members = init.ringMembers()
    const joiners = init.joiningMembers()
    const shape = [...members, ...joiners].map(m => `${m.id}:${m.state}:${m.tokens?.length ?? 0}`).join(',')
    const settled = performance.now() - since
    if (shape !== last) {
      last = shape
      since = performance.now()
    } else if (members.length > 0 && settled >= init.settleMs) return true
    // peers that all start together (each the others' bootstrap) find only
    // joiners: a cluster forming, with no ring to wait for
    else if (joiners.length > 0 && settled >= 2 * init.settleMs) return false
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return init.ringMembers().length > 0
}
