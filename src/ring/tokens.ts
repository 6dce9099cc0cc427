/**
 * Virtual nodes. A member's tokens derive from its id alone, so every peer
 * computes the same tokens from the same membership view without having to
 * gossip them; the count scales with declared capacity.
 */
import { hash64 } from './hash.js'

export interface RingMember {
  id: string
  /** relative weight; 1 is one unit of tokensPerUnit tokens */
  capacity: number
  zone?: string
  /** tokens chosen once and announced by the member (see allocator.ts); absent: derived from the id */
  tokens?: readonly bigint[]
}

/**
 * Most tokens one member may hold: a guard against a typo'd or hostile
 * capacity, and what keeps a ring rebuild cheap. 64 units at the default 128.
 */
export const MAX_TOKENS_PER_MEMBER = 8192

/**
 * Most tokens a whole ring may hold (the sum over members): a membership
 * view refuses a member whose tokens would take it past this.
 */
export const MAX_RING_TOKENS = 262144

export function tokenCountFor (member: RingMember, tokensPerUnit: number): number {
  if (typeof member.id !== 'string' || member.id.length === 0) {
    throw new RangeError('ring member id must be a non-empty string')
  }
  if (typeof member.capacity !== 'number' || !Number.isFinite(member.capacity) || member.capacity <= 0) {
    throw new RangeError(`ring member ${member.id}: capacity must be a positive finite number, got ${String(member.capacity)}`)
  }
  if (!Number.isFinite(tokensPerUnit) || tokensPerUnit <= 0) {
    throw new RangeError(`tokensPerUnit must be a positive finite number, got ${String(tokensPerUnit)}`)
  }
  const count = Math.max(1, Math.round(member.capacity * tokensPerUnit))
  if (count > MAX_TOKENS_PER_MEMBER) {
    throw new RangeError(`ring member ${member.id}: ${count} tokens, over the limit of ${MAX_TOKENS_PER_MEMBER}`)
  }
  return count
}

/** Token i of a member is hash64(`${id}#${i}`). */
export function tokensFor (member: RingMember, tokensPerUnit: number): bigint[] {
  const count = tokenCountFor(member, tokensPerUnit)
  const out = new Array<bigint>(count)
  for (let i = 0; i < count; i++) out[i] = hash64(`${member.id}#${i}`)
  return out
}
