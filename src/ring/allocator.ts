/**
 * Token allocation for a joining member (Cassandra's token allocator and
 * Dynamo's strategy 3 are the models): rather than random positions, the
 * joiner places each of its tokens inside an arc of the member that is most
 * loaded for its capacity, taking from that arc about the joiner's fair
 * share divided by its token count. Every join so brings each member close
 * to its capacity's share of the ring, and moves only what the joiner takes.
 *
 * The result is a pure function of (existing, joiner, tokensPerUnit): the
 * joiner computes it once, persists it and announces it, and every peer
 * builds the same ring from the announced tokens. Arithmetic that decides
 * anything is IEEE double (+, -, *, / and floor, correctly rounded in every
 * JavaScript engine) or bigint, with ties broken by index, so no two
 * runtimes disagree.
 *
 * A token at p splits the arc (start, end] of the member owning end: the
 * joiner gets (start, p], the member keeps (p, end]. If the joiner later
 * leaves, each of its arcs falls back to the member it was taken from.
 *
 * Zones: preference lists take one member of each zone first, so when
 * there are exactly n zones (n replicas a key) every zone holds one replica
 * of every key, split among its members by the ring of that zone's tokens
 * alone. A joiner with zone mates then evens out its zone's ring (against
 * them only); otherwise (the first of its zone, no zone, or a zone count
 * other than n) it evens out the whole ring. With more or fewer zones than
 * n, which replicas a member holds depends on how the zones interleave,
 * which neither choice controls (see docs/benchmarks.md).
 */
import { DEFAULT_N } from '../constants.js'
import { hash64 } from './hash.js'
import { IndexHeap } from './heap.js'
import { Ring } from './ring.js'
import { derivedTokenCount } from './tokens.js'
import type { RingMember } from './tokens.js'

const TWO_32 = 4294967296
// 2^64 as a literal: `**` is only "implementation-approximated" in the spec
const RING = 18446744073709551616
const TWO_64 = 1n << 64n

export interface Joiner {
  id: string
  capacity: number
  zone?: string
}

/**
 * round(capacity * tokensPerUnit) tokens (at least 1) for `joiner`, chosen
 * to even out the ring that `existing` (announced or derived tokens) forms,
 * or the ring of the joiner's zone mates when it has some and the ring has
 * exactly `replicas` (the cluster's n) zones.
 * An existing entry with the joiner's id is left out (a rejoin). Throws a
 * RangeError for what `new Ring` refuses.
 */
export function allocateTokens (existing: readonly RingMember[], joiner: Joiner, tokensPerUnit: number, replicas = DEFAULT_N): bigint[] {
  const count = derivedTokenCount({ id: joiner.id, capacity: joiner.capacity }, tokensPerUnit)
  const others = existing.filter(m => m.id !== joiner.id)
  const zoneMates = joiner.zone === undefined || zoneCount([...others, joiner]) !== replicas ? [] : others.filter(m => m.zone === joiner.zone)
  const basis = zoneMates.length > 0 ? zoneMates : others
  if (basis.length === 0) return evenlySpaced(joiner.id, count)
  const ring = new Ring(basis, { tokensPerUnit })
  const members = ring.members()
  const { hi, lo, owner } = ring.tokenTable()
  const n = hi.length

  // Arc i is (token i-1, token i], owned by owner[i]; lengths in units of
  // 2^-64 of the ring, as doubles (rounded alike everywhere).
  const length = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const p = i === 0 ? n - 1 : i - 1
    let d = (hi[i] - hi[p]) * TWO_32 + (lo[i] - lo[p])
    if (i === 0) d += RING
    length[i] = d
  }
  const load = new Float64Array(members.length)
  for (let i = 0; i < n; i++) load[owner[i]] += length[i]
  const capacity = members.map(m => m.capacity)
  const totalCapacity = capacity.reduce((a, b) => a + b, 0) + joiner.capacity

  // each member's arcs, by index, grouped with a counting pass
  const firstArc = new Uint32Array(members.length + 1)
  for (let i = 0; i < n; i++) firstArc[owner[i] + 1]++
  for (let m = 0; m < members.length; m++) firstArc[m + 1] += firstArc[m]
  const fill = firstArc.slice(0, members.length)
  const arcsOf = new Uint32Array(n)
  for (let i = 0; i < n; i++) arcsOf[fill[owner[i]]++] = i

  const arcHeaps = new Map<number, IndexHeap>()
  const arcHeap = (m: number): IndexHeap => {
    let h = arcHeaps.get(m)
    if (h === undefined) {
      h = new IndexHeap(arcsOf.subarray(firstArc[m], firstArc[m + 1]), (a, b) => length[a] > length[b] || (length[a] === length[b] && a < b))
      arcHeaps.set(m, h)
    }
    return h
  }
  const donors = new IndexHeap(members.keys(), (a, b) => {
    const x = load[a] / capacity[a]
    const y = load[b] / capacity[b]
    return x > y || (x === y && a < b)
  })
  // where an arc starts once the joiner has taken its beginning
  const movedStart = new Map<number, bigint>()
  const position = (i: number): bigint => (BigInt(hi[i]) << 32n) | BigInt(lo[i])

  let need = RING * (joiner.capacity / totalCapacity)
  const out: bigint[] = []
  while (out.length < count && donors.size > 0) {
    const d = donors.peek() as number
    const arcs = arcHeap(d)
    const arc = arcs.peek()
    if (arc === undefined || length[arc] < 2) {
      donors.pop()
      continue
    }
    const start = movedStart.get(arc) ?? position(arc === 0 ? n - 1 : arc - 1)
    const exact = (position(arc) - start + TWO_64) % TWO_64 || TWO_64
    let take = BigInt(Math.max(1, Math.floor(need / (count - out.length))))
    if (take >= exact) take = exact - 1n
    const p = (start + take) % TWO_64
    out.push(p)
    movedStart.set(arc, p)
    const taken = Number(take)
    length[arc] = Number(exact - take)
    load[d] -= taken
    need -= taken
    arcs.topChanged()
    donors.topChanged()
  }
  // Only a ring of one-unit arcs runs out of room; hashed positions then.
  for (let i = out.length; i < count; i++) out.push(hash64(`${joiner.id}#${i}`))
  return out.sort((a, b) => a < b ? -1 : a > b ? 1 : 0)
}

/** Distinct zones, a member without one counting as its own (as Ring does). */
function zoneCount (members: ReadonlyArray<{ id: string, zone?: string }>): number {
  return new Set(members.map(m => m.zone === undefined ? `\u0000${m.id}` : `zone:${m.zone}`)).size
}

/** The first member: count tokens evenly spaced from a hashed offset. */
function evenlySpaced (id: string, count: number): bigint[] {
  const offset = hash64(id)
  const out: bigint[] = []
  for (let i = 0; i < count; i++) out.push((offset + (TWO_64 * BigInt(i)) / BigInt(count)) % TWO_64)
  return out.sort((a, b) => a < b ? -1 : a > b ? 1 : 0)
}
