/**
 * Ring measurements from meshkv's own Ring (src/ring): balance from exact
 * arc lengths (ownership(), no sampling noise), movement from sampled keys'
 * preference lists before and after a peer joins or leaves. Random tokens
 * (each derived from the peer id, Dynamo's strategy 1) here; allocated
 * tokens in ring-alloc.ts.
 */
import { Ring } from '../../src/ring/index.js'
import { keyName } from './keys.js'
import type { RingMember } from '../../src/ring/index.js'

export const peerIds = (n: number, prefix = 'peer'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

export interface Spread {
  /** the most loaded peer's share over its fair share */
  maxOverMean: number
  minOverMean: number
  /** coefficient of variation of share / fair share */
  cv: number
}

export interface Balance extends Spread {
  peers: number
  tokensPerUnit: number
  buildMs: number
}

export function balance (n: number, tokensPerUnit: number): Balance {
  const t0 = performance.now()
  const ring = new Ring(peerIds(n).map(id => ({ id, capacity: 1 })), { tokensPerUnit })
  const buildMs = performance.now() - t0
  const shares = [...ring.ownership().values()].map(s => s * n)
  return { peers: n, tokensPerUnit, ...spread(shares), buildMs: Math.round(buildMs) }
}

export function spread (ratios: number[]): Spread {
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length
  const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / ratios.length)
  const r = (x: number): number => Math.round(x * 1000) / 1000
  return { maxOverMean: r(Math.max(...ratios) / mean), minOverMean: r(Math.min(...ratios) / mean), cv: r(sd / mean) }
}

/** Per member, in `members` order: ring share over capacity share. */
export function fairShares (ring: Ring, members: RingMember[]): number[] {
  const own = ring.ownership()
  const total = members.reduce((a, m) => a + m.capacity, 0)
  return members.map(m => (own.get(m.id) ?? 0) / (m.capacity / total))
}

/**
 * Per member, in `members` order: the fraction of the hash space it holds a
 * replica of (first n distinct peers from each arc, no zones), over its
 * capacity share of n.
 */
export function replicaShares (ring: Ring, members: RingMember[], n: number): number[] {
  const { hi, lo, owner } = ring.tokenTable()
  const ids = ring.members().map(m => m.id)
  const held = new Float64Array(ids.length)
  const len = hi.length
  const want = Math.min(n, ids.length)
  for (let i = 0; i < len; i++) {
    const p = i === 0 ? len - 1 : i - 1
    let arc = (hi[i] - hi[p]) * 2 ** 32 + (lo[i] - lo[p])
    if (i === 0) arc += 2 ** 64
    const seen: number[] = []
    for (let j = i; seen.length < want; j = (j + 1) % len) {
      if (!seen.includes(owner[j])) seen.push(owner[j])
    }
    for (const o of seen) held[o] += arc / 2 ** 64
  }
  const byId = new Map(ids.map((id, i) => [id, held[i]]))
  const total = members.reduce((a, m) => a + m.capacity, 0)
  return members.map(m => (byId.get(m.id) ?? 0) / (want * m.capacity / total))
}

export interface ClassShare { capacity: number, peers: number, meanShareOverFair: number }

/** Mean share / fair share per capacity class. */
export function byCapacity (members: RingMember[], ratio: number[]): ClassShare[] {
  return [...new Set(members.map(m => m.capacity))].sort((a, b) => a - b).map(capacity => {
    const idx = members.map((m, i) => m.capacity === capacity ? i : -1).filter(i => i >= 0)
    const mean = idx.reduce((a, i) => a + ratio[i], 0) / idx.length
    return { capacity, peers: idx.length, meanShareOverFair: Math.round(mean * 1000) / 1000 }
  })
}

export interface Weighted extends Spread {
  peers: number
  tokensPerUnit: number
  capacities: number[]
  /** mean ring share per capacity class, over what that capacity should get */
  byCapacity: ClassShare[]
}

/** Peers cycling through `capacities`: does load follow capacity? */
export function weighted (n: number, tokensPerUnit: number, capacities: number[]): Weighted {
  const members: RingMember[] = peerIds(n).map((id, i) => ({ id, capacity: capacities[i % capacities.length] }))
  const ratio = fairShares(new Ring(members, { tokensPerUnit }), members)
  return { peers: n, tokensPerUnit, capacities, ...spread(ratio), byCapacity: byCapacity(members, ratio) }
}

export interface Movement {
  scheme: 'random' | 'allocated'
  peers: number
  tokensPerUnit: number
  event: 'join' | 'leave'
  keys: number
  /** fraction of keys whose primary changed */
  movedPrimary: number
  /** fraction of keys whose replica set (n=3) changed */
  movedReplicaSet: number
  /** join: 1/(n+1) (leave: 1/n), the least any scheme can move */
  ideal: number
  /** exact: the joining (leaving) peer's share of the ring */
  exactShare: number
  /** keys whose primary moved to (from) a peer other than the one joining (leaving): 0 for consistent hashing */
  movedElsewhere: number
}

/** Keys that move between two rings that differ by the member `changed`. */
export function moved (scheme: Movement['scheme'], before: RingMember[], after: RingMember[], changed: string, tokensPerUnit: number, keys: number): Movement {
  const event = after.length > before.length ? 'join' : 'leave'
  const a0 = new Ring(before, { tokensPerUnit })
  const b0 = new Ring(after, { tokensPerUnit })
  let primary = 0
  let set = 0
  let elsewhere = 0
  for (let i = 0; i < keys; i++) {
    const key = keyName(i)
    const a = a0.preferenceList(key, 3)
    const b = b0.preferenceList(key, 3)
    if (a[0] !== b[0]) {
      primary++
      if ((event === 'join' ? b[0] : a[0]) !== changed) elsewhere++
    }
    if (a.some((p, j) => p !== b[j])) set++
  }
  const n = before.length
  const share = (event === 'join' ? b0 : a0).ownership().get(changed) ?? 0
  const r = (x: number): number => Math.round(x * 1e5) / 1e5
  return {
    scheme,
    peers: n,
    tokensPerUnit,
    event,
    keys,
    movedPrimary: r(primary / keys),
    movedReplicaSet: r(set / keys),
    ideal: r(event === 'join' ? 1 / (n + 1) : 1 / n),
    exactShare: r(share),
    movedElsewhere: elsewhere
  }
}

export function movement (n: number, tokensPerUnit: number, event: 'join' | 'leave', keys: number): Movement {
  const members = peerIds(n).map(id => ({ id, capacity: 1 }))
  if (event === 'join') return moved('random', members, [...members, { id: 'peer-new', capacity: 1 }], 'peer-new', tokensPerUnit, keys)
  return moved('random', members, members.slice(1), members[0].id, tokensPerUnit, keys)
}
