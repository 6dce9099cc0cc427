/**
 * Consistent hashing with virtual nodes. A Ring is an immutable snapshot of a
 * membership view: peers rebuild it on every view change rather than patching
 * it, so two peers with the same view always hold identical rings, and the
 * ring never has a fixed size (no partition count chosen at creation).
 *
 * A token owns the arc (previous token, token]; a key's primary is the owner
 * of the first token at or after hash64(key), wrapping past the top.
 */
import { DEFAULT_TOKENS_PER_UNIT } from '../constants.js'
import { hash64Parts, keyPosition } from './hash.js'
import { sortPositions } from './sort.js'
import { MAX_RING_TOKENS, positionsFor } from './tokens.js'
import type { Positions, RingMember } from './tokens.js'

export { tokensFor, MAX_TOKENS_PER_MEMBER, MAX_RING_TOKENS } from './tokens.js'
export type { RingMember } from './tokens.js'

/** An arc of the ring, (start, end] wrapping past the top, and its preference list. */
export interface RingRange {
  start: bigint
  end: bigint
  replicas: string[]
}

function sameList (a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Whether a ring position lies in the arc (start, end], wrapping; start === end is the whole ring. */
export function inRange (position: bigint, range: { start: bigint, end: bigint }): boolean {
  const { start, end } = range
  if (start === end) return true
  return start < end ? position > start && position <= end : position > start || position <= end
}

export interface RingOptions {
  /** tokens per unit of capacity for members that derive theirs (default DEFAULT_TOKENS_PER_UNIT) */
  tokensPerUnit?: number
}

const TWO_64 = 1n << 64n

function frozenMember (m: RingMember): RingMember {
  const out: RingMember = { id: m.id, capacity: m.capacity }
  if (m.zone !== undefined) out.zone = m.zone
  if (m.tokens !== undefined) out.tokens = Object.freeze([...m.tokens])
  return Object.freeze(out)
}

export class Ring {
  readonly tokensPerUnit: number
  /** sorted by id, so an owner index order is also id order (for ties) */
  readonly #members: RingMember[]
  readonly #index = new Map<string, number>()
  readonly #counts: number[]
  // Tokens as parallel arrays of 32-bit halves: lookups compare numbers
  // instead of allocating a bigint per probe.
  readonly #hi: Uint32Array
  readonly #lo: Uint32Array
  readonly #owner: Uint32Array
  // Per-lookup "seen" marks without allocating: a member is seen in the
  // current lookup when its stamp equals #generation.
  readonly #stamp: Uint32Array
  // Zones as small integers, one per distinct zone and one per member
  // without a zone, with their own per-lookup stamps.
  readonly #zoneOf: Uint32Array
  readonly #zoneCount: number
  readonly #zoneStamp: Uint32Array
  #generation = 0

  /**
   * Throws a RangeError for a malformed member (empty or repeated id, bad
   * capacity, a token that is not an unsigned 64-bit integer), a member over
   * MAX_TOKENS_PER_MEMBER, or a ring over MAX_RING_TOKENS. Two members that
   * hold the same position are both kept; the one with the smaller id comes
   * first, so it owns the arc and the other's token there owns nothing.
   */
  constructor (members: RingMember[], options: RingOptions = {}) {
    this.tokensPerUnit = options.tokensPerUnit ?? DEFAULT_TOKENS_PER_UNIT
    const sorted = [...members].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    const positions: Positions[] = []
    let total = 0
    sorted.forEach((m, i) => {
      if (this.#index.has(m.id)) throw new RangeError(`ring member ${m.id} listed twice`)
      this.#index.set(m.id, i)
      const p = positionsFor(m, this.tokensPerUnit)
      total += p.hi.length
      if (total > MAX_RING_TOKENS) throw new RangeError(`ring of ${sorted.length} members: over the budget of ${MAX_RING_TOKENS} tokens`)
      positions.push(p)
    })
    this.#members = sorted.map(frozenMember)
    this.#counts = positions.map(p => p.hi.length)

    const hi = new Uint32Array(total)
    const lo = new Uint32Array(total)
    const owner = new Uint32Array(total)
    let k = 0
    positions.forEach((p, i) => {
      hi.set(p.hi, k)
      lo.set(p.lo, k)
      owner.fill(i, k, k + p.hi.length)
      k += p.hi.length
    })
    const order = sortPositions(hi, lo, owner)
    this.#hi = order.hi
    this.#lo = order.lo
    this.#owner = order.owner
    this.#stamp = new Uint32Array(sorted.length)
    const zones = new Map<string, number>()
    let zoneCount = 0
    this.#zoneOf = Uint32Array.from(this.#members, m => {
      if (m.zone === undefined) return zoneCount++
      let z = zones.get(m.zone)
      if (z === undefined) zones.set(m.zone, z = zoneCount++)
      return z
    })
    this.#zoneCount = zoneCount
    this.#zoneStamp = new Uint32Array(zoneCount)
  }

  /** number of tokens on the ring */
  get tokenTotal (): number {
    return this.#hi.length
  }

  /** number of physical members */
  get size (): number {
    return this.#members.length
  }

  /** the members, sorted by id */
  members (): RingMember[] {
    return this.#members.map(m => ({ ...m }))
  }

  has (id: string): boolean {
    return this.#index.has(id)
  }

  tokenCount (id: string): number {
    const i = this.#index.get(id)
    return i === undefined ? 0 : this.#counts[i]
  }

  /**
   * The key's n replicas, primary first: walking clockwise from hash64(key),
   * first one member from each zone not yet chosen, until n are chosen or
   * every zone is; then, when there are fewer zones than n, the members not
   * yet chosen in clockwise order. So with at least n zones the replicas sit
   * in n distinct zones (losing a zone loses at most one replica of a key),
   * and a shorter list is always a prefix of a longer one. A member without
   * a zone is a zone of its own: a ring without zones gives the first n
   * distinct members clockwise, as before zones. Fewer than n when the ring
   * is smaller.
   */
  preferenceList (key: string | Uint8Array, n: number): string[] {
    const want = Math.min(Math.floor(n), this.#members.length)
    if (!(want > 0)) return []
    const [kh, kl] = typeof key === 'string' ? keyPosition(key) : hash64Parts(key)
    const hi = this.#hi
    const lo = this.#lo
    // lower bound: first token >= key
    let a = 0
    let b = hi.length
    while (a < b) {
      const mid = (a + b) >>> 1
      if (hi[mid] < kh || (hi[mid] === kh && lo[mid] < kl)) a = mid + 1
      else b = mid
    }
    return this.#walk(a, want)
  }

  /**
   * Every arc of the ring with its preference list of n: a key whose position
   * p satisfies start < p <= end (wrapping past the top when end <= start)
   * has `replicas` as its preference list. Neighbouring arcs with the same
   * list are merged. A ring with one arc covers the whole space (start ===
   * end). Empty for an empty ring. Anti-entropy and range transfer use this
   * to know which positions two peers both hold, or a peer holds at all.
   */
  ranges (n: number): RingRange[] {
    const len = this.#hi.length
    const want = Math.min(Math.floor(n), this.#members.length)
    if (len === 0 || !(want > 0)) return []
    const out: RingRange[] = []
    for (let i = 0; i < len; i++) {
      const replicas = this.#walk(i, want)
      const prev = i === 0 ? len - 1 : i - 1
      const start = this.#position(prev)
      const end = this.#position(i)
      if (start === end && len > 1) continue // a second token at the same position owns nothing
      const last = out[out.length - 1]
      if (last !== undefined && sameList(last.replicas, replicas)) last.end = end
      else out.push({ start, end, replicas })
    }
    // the first arc wraps past the top: merge it with the last when they agree
    if (out.length > 1 && sameList(out[0].replicas, out[out.length - 1].replicas)) {
      const last = out.pop() as RingRange
      out[0].start = last.start
    }
    if (out.length === 1) out[0].start = out[0].end
    return out
  }

  #position (i: number): bigint {
    return (BigInt(this.#hi[i]) << 32n) | BigInt(this.#lo[i])
  }

  /** the first `want` members clockwise from token index a, zones first */
  #walk (a: number, want: number): string[] {
    const out: string[] = []
    const len = this.#hi.length
    if (++this.#generation === 0xffffffff) {
      this.#stamp.fill(0)
      this.#zoneStamp.fill(0)
      this.#generation = 1
    }
    const gen = this.#generation
    const owner = this.#owner
    const stamp = this.#stamp
    const zoneStamp = this.#zoneStamp
    const zoneOf = this.#zoneOf
    const distinctZones = Math.min(want, this.#zoneCount)
    for (let step = 0, i = a; step < len; step++, i++) {
      if (i === len) i = 0
      const o = owner[i]
      if (stamp[o] !== gen && zoneStamp[zoneOf[o]] !== gen) {
        stamp[o] = gen
        zoneStamp[zoneOf[o]] = gen
        out.push(this.#members[o].id)
        if (out.length === distinctZones) break
      }
    }
    for (let step = 0, i = a; out.length < want && step < len; step++, i++) {
      if (i === len) i = 0
      const o = owner[i]
      if (stamp[o] !== gen) {
        stamp[o] = gen
        out.push(this.#members[o].id)
      }
    }
    return out
  }

  /** number of distinct zones (a member without a zone counts as one) */
  get zoneCount (): number {
    return this.#zoneCount
  }

  /**
   * The tokens in ring order as parallel arrays (copies): each position's
   * two 32-bit halves and its owner's index in members().
   */
  tokenTable (): { hi: Uint32Array, lo: Uint32Array, owner: Uint32Array } {
    return { hi: this.#hi.slice(), lo: this.#lo.slice(), owner: this.#owner.slice() }
  }

  /** The fraction of the hash space each member owns as primary (sums to 1). */
  ownership (): Map<string, number> {
    const owned = this.#members.map(() => 0n)
    const len = this.#hi.length
    const at = (i: number): bigint => (BigInt(this.#hi[i]) << 32n) | BigInt(this.#lo[i])
    for (let i = 0; i < len; i++) {
      // arc (previous token, token]; the first token's arc wraps past the top
      const arc = i === 0 ? at(0) + TWO_64 - at(len - 1) : at(i) - at(i - 1)
      owned[this.#owner[i]] += arc
    }
    const out = new Map<string, number>()
    this.#members.forEach((m, i) => out.set(m.id, Number(owned[i]) / Number(TWO_64)))
    return out
  }

  /** Same members (ids, capacities, zones) and the same tokens. */
  equals (other: Ring): boolean {
    if (other === this) return true
    if (other.#members.length !== this.#members.length || other.#hi.length !== this.#hi.length) return false
    for (let i = 0; i < this.#members.length; i++) {
      const a = this.#members[i]
      const b = other.#members[i]
      if (a.id !== b.id || a.capacity !== b.capacity || a.zone !== b.zone) return false
    }
    for (let i = 0; i < this.#hi.length; i++) {
      if (this.#hi[i] !== other.#hi[i] || this.#lo[i] !== other.#lo[i] || this.#owner[i] !== other.#owner[i]) return false
    }
    return true
  }
}
