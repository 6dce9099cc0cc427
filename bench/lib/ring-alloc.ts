/**
 * Allocated tokens (src/ring/allocator.ts) measured the way ring-sim.ts
 * measures random ones. Rings grow by sequential joins, each joiner
 * allocating against the ring so far, as in a real cluster; leaves take a
 * member out without re-allocating anyone.
 */
import { Ring, allocateTokens, tokensFor, MAX_RING_TOKENS } from '../../src/ring/index.js'
import { fairShares, moved, replicaShares, spread, byCapacity } from './ring-sim.js'
import { keyName } from './keys.js'
import type { RingMember } from '../../src/ring/index.js'
import type { ClassShare, Movement, Spread } from './ring-sim.js'

export interface Growth {
  /** the members after each requested size, in join order */
  at: Map<number, RingMember[]>
  /** allocateTokens time per join near the largest size (mean of the last 10 joins) */
  allocateMs: number
}

/** Sequential joins up to the largest size, capacities cycling. */
export function grow (sizes: number[], tokensPerUnit: number, capacities: number[], onJoin?: () => void): Growth {
  const top = Math.max(...sizes)
  const members: RingMember[] = []
  const at = new Map<number, RingMember[]>()
  const times: number[] = []
  for (let i = 0; i < top; i++) {
    const joiner = { id: `peer-${i}`, capacity: capacities[i % capacities.length] }
    const t0 = performance.now()
    const tokens = allocateTokens(members, joiner, tokensPerUnit)
    times.push(performance.now() - t0)
    members.push({ ...joiner, tokens })
    if (sizes.includes(i + 1)) at.set(i + 1, [...members])
    onJoin?.()
  }
  const last = times.slice(-10)
  return { at, allocateMs: Math.round(last.reduce((a, b) => a + b, 0) / last.length * 10) / 10 }
}

export interface SchemeBalance extends Spread {
  scheme: 'random' | 'allocated'
  peers: number
  tokensPerUnit: number
  /** replicas held (N=3) over the fair share: most and least loaded */
  replicaMaxOverMean: number
  replicaMinOverMean: number
  byCapacity: ClassShare[]
}

export function schemeBalance (scheme: SchemeBalance['scheme'], members: RingMember[], tokensPerUnit: number): SchemeBalance {
  const ring = new Ring(members, { tokensPerUnit })
  const ratio = fairShares(ring, members)
  const replicas = spread(replicaShares(ring, members, 3))
  return {
    scheme,
    peers: members.length,
    tokensPerUnit,
    ...spread(ratio),
    replicaMaxOverMean: replicas.maxOverMean,
    replicaMinOverMean: replicas.minOverMean,
    byCapacity: byCapacity(members, ratio)
  }
}

/** A join (allocating against `members`) and the first member leaving. */
export function allocatedMovement (members: RingMember[], tokensPerUnit: number, keys: number): Movement[] {
  const joiner = { id: 'peer-new', capacity: 1 }
  const joined = [...members, { ...joiner, tokens: allocateTokens(members, joiner, tokensPerUnit) }]
  return [
    moved('allocated', members, joined, joiner.id, tokensPerUnit, keys),
    moved('allocated', members, members.slice(1), members[0].id, tokensPerUnit, keys)
  ]
}

export interface Churn {
  peers: number
  events: number
  tokensPerUnit: number
  capacities: number[]
  /** the worst max/mean (share over capacity share) right after a leave, and right after a join */
  worstAfterLeave: number
  worstAfterJoin: number
  final: Spread
}

/** Random joins and leaves (even odds) on a grown ring; a deterministic LCG picks. */
export function churn (start: RingMember[], events: number, tokensPerUnit: number, capacities: number[], seed = 1): Churn {
  let s = seed
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 }
  let members = [...start]
  let next = 0
  let worstAfterLeave = 0
  let worstAfterJoin = 0
  const max = (): number => Math.max(...fairShares(new Ring(members, { tokensPerUnit }), members))
  for (let e = 0; e < events; e++) {
    if (rnd() < 0.5 && members.length > 2) {
      members = members.filter((_, i) => i !== Math.floor(rnd() * members.length))
      worstAfterLeave = Math.max(worstAfterLeave, max())
    } else {
      const joiner = { id: `churn-${next++}`, capacity: capacities[Math.floor(rnd() * capacities.length)] }
      members = [...members, { ...joiner, tokens: allocateTokens(members, joiner, tokensPerUnit) }]
      worstAfterJoin = Math.max(worstAfterJoin, max())
    }
  }
  const r = (x: number): number => Math.round(x * 1000) / 1000
  return {
    peers: start.length,
    events,
    tokensPerUnit,
    capacities,
    worstAfterLeave: r(worstAfterLeave),
    worstAfterJoin: r(worstAfterJoin),
    final: spread(fairShares(new Ring(members, { tokensPerUnit }), members))
  }
}

export interface BuildTime {
  members: number
  tokens: number
  /** derived tokens, none cached yet (a SHA-256 each): wall ms */
  derivedColdMs: number
  /** derived tokens again, the rebuild a view change costs: wall ms, and CPU ms (steadier on a shared machine) */
  derivedMs: number
  derivedCpuMs: number
  /** announced tokens seen for the first time (checked and converted): wall and CPU ms */
  announcedNewMs: number
  announcedNewCpuMs: number
  /** announced tokens again (the same arrays: conversion cached): wall and CPU ms */
  announcedMs: number
  announcedCpuMs: number
}

/** Ring construction at the cluster-wide token budget (medians of `runs`). */
export function buildTime (tokensPerUnit: number, runs = 9): BuildTime {
  const per = 2 * tokensPerUnit
  const count = Math.floor(MAX_RING_TOKENS / per)
  const members = Array.from({ length: count }, (_, i) => ({ id: `budget-${Date.now()}-${i}`, capacity: 2 }))
  const time = (f: () => unknown): [wall: number, cpu: number] => {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    f()
    const c = process.cpuUsage(c0)
    return [performance.now() - t0, (c.user + c.system) / 1000]
  }
  const median = (f: (run: number) => unknown): [wall: number, cpu: number] => {
    const xs = Array.from({ length: runs }, (_, run) => time(() => f(run)))
    const mid = (k: 0 | 1): number => Math.round(xs.map(x => x[k]).sort((a, b) => a - b)[xs.length >> 1] * 10) / 10
    return [mid(0), mid(1)]
  }
  const derivedColdMs = Math.round(time(() => new Ring(members, { tokensPerUnit }))[0])
  const [derivedMs, derivedCpuMs] = median(() => new Ring(members, { tokensPerUnit }))
  const announced = members.map(m => ({ ...m, tokens: tokensFor(m, tokensPerUnit) }))
  const copies = Array.from({ length: runs }, () => announced.map(m => ({ ...m, tokens: [...m.tokens] })))
  const [announcedNewMs, announcedNewCpuMs] = median(run => new Ring(copies[run], { tokensPerUnit }))
  const [announcedMs, announcedCpuMs] = median(() => new Ring(announced, { tokensPerUnit }))
  return { members: count, tokens: count * per, derivedColdMs, derivedMs, derivedCpuMs, announcedNewMs, announcedNewCpuMs, announcedMs, announcedCpuMs }
}

export interface Zoned {
  peers: number
  zones: number
  scheme: 'random' | 'allocated'
  /** replicas held (zone-aware preference lists, N=3, sampled keys) over the fair share */
  replicaMaxOverMean: number
  replicaMinOverMean: number
}

/** Peers cycling through `zones` zones, capacity 1: replicas held under zone-aware preference lists. */
export function zoned (peers: number, zones: number, tokensPerUnit: number, keys: number): Zoned[] {
  const plain = Array.from({ length: peers }, (_, i) => ({ id: `peer-${i}`, capacity: 1, zone: `zone-${i % zones}` }))
  const allocated: RingMember[] = []
  for (const m of plain) allocated.push({ ...m, tokens: allocateTokens(allocated, m, tokensPerUnit, 3) })
  return ([['random', plain], ['allocated', allocated]] as const).map(([scheme, members]) => {
    const ring = new Ring(members, { tokensPerUnit })
    const held = new Map<string, number>()
    for (let k = 0; k < keys; k++) for (const p of ring.preferenceList(keyName(k), 3)) held.set(p, (held.get(p) ?? 0) + 1)
    const s = spread(members.map(m => held.get(m.id) ?? 0))
    return { peers, zones, scheme, replicaMaxOverMean: s.maxOverMean, replicaMinOverMean: s.minOverMean }
  })
}
