/**
 * Ring measurements from meshkv's own Ring (src/ring): balance from exact
 * arc lengths (ownership(), no sampling noise), movement from sampled keys'
 * preference lists before and after a peer joins or leaves.
 */
import { Ring } from '../../src/ring/index.js'
import { keyName } from './keys.js'
import type { RingMember } from '../../src/ring/index.js'

export const peerIds = (n: number, prefix = 'peer'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

export interface Balance {
  peers: number
  tokensPerUnit: number
  /** the most loaded peer's share over the mean share */
  maxOverMean: number
  minOverMean: number
  /** coefficient of variation of the shares */
  cv: number
  buildMs: number
}

export function balance (n: number, tokensPerUnit: number): Balance {
  const t0 = performance.now()
  const ring = new Ring(peerIds(n).map(id => ({ id, capacity: 1 })), { tokensPerUnit })
  const buildMs = performance.now() - t0
  const shares = [...ring.ownership().values()].map(s => s * n)
  return { peers: n, tokensPerUnit, ...spread(shares), buildMs: Math.round(buildMs) }
}

function spread (ratios: number[]): { maxOverMean: number, minOverMean: number, cv: number } {
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length
  const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / ratios.length)
  const r = (x: number): number => Math.round(x * 1000) / 1000
  return { maxOverMean: r(Math.max(...ratios) / mean), minOverMean: r(Math.min(...ratios) / mean), cv: r(sd / mean) }
}

export interface Weighted {
  peers: number
  tokensPerUnit: number
  capacities: number[]
  /** over all peers: share of the ring / share of the total capacity */
  maxOverMean: number
  minOverMean: number
  cv: number
  /** mean ring share per capacity class, over what that capacity should get */
  byCapacity: Array<{ capacity: number, peers: number, meanShareOverFair: number }>
}

/** Peers cycling through `capacities`: does load follow capacity? */
export function weighted (n: number, tokensPerUnit: number, capacities: number[]): Weighted {
  const members: RingMember[] = peerIds(n).map((id, i) => ({ id, capacity: capacities[i % capacities.length] }))
  const total = members.reduce((a, m) => a + m.capacity, 0)
  const own = new Ring(members, { tokensPerUnit }).ownership()
  const ratio = members.map(m => (own.get(m.id) ?? 0) / (m.capacity / total))
  const byCapacity = [...new Set(capacities)].map(capacity => {
    const idx = members.map((m, i) => m.capacity === capacity ? i : -1).filter(i => i >= 0)
    const mean = idx.reduce((a, i) => a + ratio[i], 0) / idx.length
    return { capacity, peers: idx.length, meanShareOverFair: Math.round(mean * 1000) / 1000 }
  })
  return { peers: n, tokensPerUnit, capacities, ...spread(ratio), byCapacity }
}

export interface Movement {
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

export function movement (n: number, tokensPerUnit: number, event: 'join' | 'leave', keys: number): Movement {
  const ids = peerIds(n)
  const before = new Ring(ids.map(id => ({ id, capacity: 1 })), { tokensPerUnit })
  const changed = event === 'join' ? 'peer-new' : ids[0]
  const afterIds = event === 'join' ? [...ids, changed] : ids.slice(1)
  const after = new Ring(afterIds.map(id => ({ id, capacity: 1 })), { tokensPerUnit })
  let moved = 0
  let movedSet = 0
  let elsewhere = 0
  for (let i = 0; i < keys; i++) {
    const key = keyName(i)
    const a = before.preferenceList(key, 3)
    const b = after.preferenceList(key, 3)
    if (a[0] !== b[0]) {
      moved++
      if ((event === 'join' ? b[0] : a[0]) !== changed) elsewhere++
    }
    if (a.some((p, j) => p !== b[j])) movedSet++
  }
  const share = (event === 'join' ? after : before).ownership().get(changed) ?? 0
  const r = (x: number): number => Math.round(x * 1e5) / 1e5
  return {
    peers: n,
    tokensPerUnit,
    event,
    keys,
    movedPrimary: r(moved / keys),
    movedReplicaSet: r(movedSet / keys),
    ideal: r(event === 'join' ? 1 / (n + 1) : 1 / n),
    exactShare: r(share),
    movedElsewhere: elsewhere
  }
}
