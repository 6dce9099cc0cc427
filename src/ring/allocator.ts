/**
 * Token allocation for a joining member.
 *
 * STAND-IN (membership branch): replaced by the ring helper's allocator at
 * merge, which picks tokens that even out the ring. This one returns the
 * id-derived tokens, so a ring built from announced tokens is the same ring
 * as one built from ids alone.
 */
import { tokensFor } from './tokens.js'
import type { RingMember } from './tokens.js'

export function allocateTokens (existing: readonly RingMember[], joiner: { id: string, capacity: number, zone?: string }, tokensPerUnit: number): bigint[] {
  void existing
  return tokensFor(joiner, tokensPerUnit)
}
