/**
 * What a member may claim of the ring. A claim is checked before it enters
 * the view, so no announcement (a typo'd capacity, or a hostile peer that
 * can sign for the topic) can make the ring too large to rebuild quickly, or
 * throw while rebuilding. Pure: no I/O.
 */
import { MAX_RING_TOKENS, MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'

export interface TokenClaim {
  capacity: number
  /** tokens announced by the member, when it announced them */
  tokens?: readonly unknown[]
}

/** Tokens a member holds on a ring with `tokensPerUnit`: its announced ones, else its capacity's share. */
export function claimedTokens (claim: TokenClaim, tokensPerUnit: number): number {
  if (claim.tokens !== undefined && claim.tokens.length > 0) return claim.tokens.length
  // an observer (this peer, at capacity 0; nobody announces capacity 0) holds nothing
  if (claim.capacity === 0) return 0
  if (!Number.isFinite(claim.capacity) || claim.capacity <= 0) return Infinity
  return Math.max(1, Math.round(claim.capacity * tokensPerUnit))
}

/**
 * Why a claim is refused, or undefined when it fits: at most
 * MAX_TOKENS_PER_MEMBER for the member, and at most MAX_RING_TOKENS for the
 * view once it is in (`othersTotal`: the tokens of every other member).
 */
export function overBudget (claim: TokenClaim, tokensPerUnit: number, othersTotal: number): string | undefined {
  const count = claimedTokens(claim, tokensPerUnit)
  if (count > MAX_TOKENS_PER_MEMBER) {
    return `claims ${String(count)} ring tokens (capacity ${String(claim.capacity)} at ${tokensPerUnit} per unit), over the limit of ${MAX_TOKENS_PER_MEMBER} per member`
  }
  if (othersTotal + count > MAX_RING_TOKENS) {
    return `claims ${count} ring tokens, which would take the ring to ${othersTotal + count}, over the cluster budget of ${MAX_RING_TOKENS}`
  }
  return undefined
}
