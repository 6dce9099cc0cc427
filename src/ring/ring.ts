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
import { hash64Parts } from './hash.js'
import { tokenCountFor } from './tokens.js'
import type { RingMember } from './tokens.js'

export { tokensFor, MAX_TOKENS_PER_MEMBER } from './tokens.js'
export type { RingMember } from './tokens.js'

export interface RingOptions {
  /** tokens per unit of capacity (default DEFAULT_TOKENS_PER_UNIT) */
  tokensPerUnit?: number
}

const TWO_64 = 1n << 64n

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
  #generation = 0

  constructor (members: RingMember[], options: RingOptions = {}) {
    this.tokensPerUnit = options.tokensPerUnit ?? DEFAULT_TOKENS_PER_UNIT
    const sorted = members
      .map(m => Object.freeze(m.zone === undefined ? { id: m.id, capacity: m.capacity } : { id: m.id, capacity: m.capacity, zone: m.zone }))
      .sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    this.#counts = sorted.map(m => tokenCountFor(m, this.tokensPerUnit))
    sorted.forEach((m, i) => {
      if (this.#index.has(m.id)) throw new RangeError(`ring member ${m.id} listed twice`)
      this.#index.set(m.id, i)
    })
    this.#members = sorted

    const total = this.#counts.reduce((a, b) => a + b, 0)
    const hi = new Uint32Array(total)
    const lo = new Uint32Array(total)
    const owner = new Uint32Array(total)
    let k = 0
    sorted.forEach((m, i) => {
      for (let t = 0; t < this.#counts[i]; t++, k++) {
        [hi[k], lo[k]] = hash64Parts(`${m.id}#${t}`)
        owner[k] = i
      }
    })
    const order = Array.from({ length: total }, (_, i) => i)
      .sort((a, b) => (hi[a] - hi[b]) || (lo[a] - lo[b]) || (owner[a] - owner[b]))
    this.#hi = Uint32Array.from(order, i => hi[i])
    this.#lo = Uint32Array.from(order, i => lo[i])
    this.#owner = Uint32Array.from(order, i => owner[i])
    this.#stamp = new Uint32Array(sorted.length)
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
   * The first n distinct physical members clockwise from hash64(key): the
   * key's replicas, primary first. Fewer than n when the ring is smaller.
   */
  preferenceList (key: string | Uint8Array, n: number): string[] {
    const want = Math.min(Math.floor(n), this.#members.length)
    const out: string[] = []
    if (!(want > 0)) return out
    const [kh, kl] = hash64Parts(key)
    const hi = this.#hi
    const lo = this.#lo
    const len = hi.length
    // lower bound: first token >= key
    let a = 0
    let b = len
    while (a < b) {
      const mid = (a + b) >>> 1
      if (hi[mid] < kh || (hi[mid] === kh && lo[mid] < kl)) a = mid + 1
      else b = mid
    }
    if (++this.#generation === 0xffffffff) {
      this.#stamp.fill(0)
      this.#generation = 1
    }
    const gen = this.#generation
    for (let step = 0, i = a; step < len; step++, i++) {
      if (i === len) i = 0
      const o = this.#owner[i]
      if (this.#stamp[o] !== gen) {
        this.#stamp[o] = gen
        out.push(this.#members[o].id)
        if (out.length === want) break
      }
    }
    return out
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
