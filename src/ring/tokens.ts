/**
 * Virtual nodes. A member either announces its tokens (chosen once by the
 * allocator when it joined, so the ring stays balanced) or, without them,
 * derives them from its id (old peers, tests): either way every peer computes
 * the same tokens from the same membership view. The count scales with
 * declared capacity.
 */
import { hash64Parts } from './hash.js'

export interface RingMember {
  id: string
  /** relative weight; 1 is one unit of tokensPerUnit tokens */
  capacity: number
  zone?: string
  /**
   * Announced 64-bit positions (unsigned). When present the ring uses exactly
   * these. Treat the array as immutable once handed over: its checked
   * conversion is cached per array.
   */
  tokens?: readonly bigint[]
}

/**
 * One member's limit: a guard against a typo'd capacity or a hostile
 * announcement allocating without bound. 64 units at the default 128 a unit.
 */
export const MAX_TOKENS_PER_MEMBER = 8192

/**
 * The cluster-wide budget (the sum over members): 1,000 peers of 2 units at
 * the default, and a ring this size still builds in tens of milliseconds.
 */
export const MAX_RING_TOKENS = 262144

const TWO_64 = 1n << 64n

function checkMember (member: RingMember): void {
  if (typeof member.id !== 'string' || member.id.length === 0) {
    throw new RangeError('ring member id must be a non-empty string')
  }
  if (typeof member.capacity !== 'number' || !Number.isFinite(member.capacity) || member.capacity <= 0) {
    throw new RangeError(`ring member ${member.id}: capacity must be a positive finite number, got ${String(member.capacity)}`)
  }
}

/** How many tokens a member with this capacity derives (at least 1). */
export function derivedTokenCount (member: RingMember, tokensPerUnit: number): number {
  checkMember(member)
  if (!Number.isFinite(tokensPerUnit) || tokensPerUnit <= 0) {
    throw new RangeError(`tokensPerUnit must be a positive finite number, got ${String(tokensPerUnit)}`)
  }
  const count = Math.max(1, Math.round(member.capacity * tokensPerUnit))
  if (count > MAX_TOKENS_PER_MEMBER) {
    throw new RangeError(`ring member ${member.id}: ${count} tokens, over the limit of ${MAX_TOKENS_PER_MEMBER}`)
  }
  return count
}

/** The member's token count: its announced tokens, else derived from capacity. */
export function tokenCountFor (member: RingMember, tokensPerUnit: number): number {
  if (member.tokens === undefined) return derivedTokenCount(member, tokensPerUnit)
  checkMember(member)
  const count = Array.isArray(member.tokens) ? member.tokens.length : -1
  if (count < 1 || count > MAX_TOKENS_PER_MEMBER) {
    throw new RangeError(`ring member ${member.id}: announces ${count < 0 ? 'no token list' : `${count} tokens`}, must be 1..${MAX_TOKENS_PER_MEMBER}`)
  }
  return count
}

/** A member's positions as parallel arrays of unsigned 32-bit halves. */
export interface Positions {
  hi: Uint32Array
  lo: Uint32Array
}

// Derived tokens cost a SHA-256 each (about 3 us): 262,144 of them would take
// most of a second, on every rebuild. They depend only on (id, count), so
// they are computed once and kept, within a bound.
const derivedCache = new Map<string, Positions>()
let derivedCached = 0
const DERIVED_CACHE_TOKENS = 2 * MAX_RING_TOKENS

function derived (id: string, count: number): Positions {
  const key = `${count}:${id}`
  const hit = derivedCache.get(key)
  if (hit !== undefined) {
    derivedCache.delete(key)
    derivedCache.set(key, hit)
    return hit
  }
  const hi = new Uint32Array(count)
  const lo = new Uint32Array(count)
  for (let i = 0; i < count; i++) [hi[i], lo[i]] = hash64Parts(`${id}#${i}`)
  const out = { hi, lo }
  derivedCache.set(key, out)
  derivedCached += count
  for (const [k, v] of derivedCache) {
    if (derivedCached <= DERIVED_CACHE_TOKENS) break
    derivedCache.delete(k)
    derivedCached -= v.hi.length
  }
  return out
}

// A BigUint64Array viewed as 32-bit words puts the low word first on a
// little-endian machine.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

// Announced tokens are checked and converted once per array: membership
// hands the same (immutable) array to every rebuild while a member's tokens
// are unchanged, and conversion is about half of a full-budget build.
const announcedCache = new WeakMap<readonly bigint[], Positions>()

function announced (member: RingMember, tokens: readonly bigint[]): Positions {
  const hit = announcedCache.get(tokens)
  if (hit !== undefined) return hit
  const out = convert(member, tokens)
  announcedCache.set(tokens, out)
  return out
}

function convert (member: RingMember, tokens: readonly bigint[]): Positions {
  // one pass: check, and write into a 64-bit array to read back as halves
  // (BigUint64Array.from goes through the iterator protocol: twice as slow)
  const wide = new BigUint64Array(tokens.length)
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (typeof t !== 'bigint' || t < 0n || t >= TWO_64) {
      throw new RangeError(`ring member ${member.id}: token ${i} is not an unsigned 64-bit integer`)
    }
    wide[i] = t
  }
  const words = new Uint32Array(wide.buffer)
  const hi = new Uint32Array(tokens.length)
  const lo = new Uint32Array(tokens.length)
  const h = LITTLE_ENDIAN ? 1 : 0
  for (let i = 0; i < tokens.length; i++) {
    hi[i] = words[2 * i + h]
    lo[i] = words[2 * i + 1 - h]
  }
  return { hi, lo }
}

/** Validated positions of a member's tokens (announced, else derived). */
export function positionsFor (member: RingMember, tokensPerUnit: number): Positions {
  const count = tokenCountFor(member, tokensPerUnit)
  return member.tokens === undefined ? derived(member.id, count) : announced(member, member.tokens)
}

/** The member's tokens: announced ones as given, else hash64(`${id}#${i}`). */
export function tokensFor (member: RingMember, tokensPerUnit: number): bigint[] {
  const { hi, lo } = positionsFor(member, tokensPerUnit)
  return Array.from(hi, (h, i) => (BigInt(h) << 32n) | BigInt(lo[i]))
}
