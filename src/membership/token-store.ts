/**
 * This peer's ring tokens, chosen once and kept in its datastore, so a
 * restart announces the same ring positions and every peer builds the same
 * ring from the same view. Chosen again only when the count they must have
 * changes (capacity or tokensPerUnit).
 *
 * The allocator (allocator.ts) evens out the ring only against the ring the
 * joiner sees. Against an empty view (a peer that has not yet heard the
 * cluster, as at start) it would space every joiner's tokens evenly from its
 * own offset, and such rings are far worse than random (one peer of three
 * held 84% in a trial). So without a view the tokens are the id-derived
 * ones (random positions, as before allocation); allocation waits for a
 * joining state in which a new peer hears the ring first.
 */
import { Key } from 'interface-datastore'
import { allocateTokens } from '../ring/allocator.js'
import { MAX_TOKENS_PER_MEMBER, tokensFor as derivedTokens } from '../ring/tokens.js'
import { claimedTokens } from './token-budget.js'
import type { Datastore } from 'interface-datastore'
import type { RingMember } from '../ring/tokens.js'

const TOKENS_KEY = new Key('/meta/tokens')

export async function loadTokens (datastore: Datastore): Promise<bigint[] | undefined> {
  if (!(await datastore.has(TOKENS_KEY))) return undefined
  const bytes = await datastore.get(TOKENS_KEY)
  if (bytes.byteLength % 8 !== 0 || bytes.byteLength / 8 > MAX_TOKENS_PER_MEMBER) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: bytes.byteLength / 8 }, (_, i) => view.getBigUint64(i * 8))
}

/** Forget the stored tokens (a peer that left joins afresh). */
export async function clearTokens (datastore: Datastore): Promise<void> {
  await datastore.delete(TOKENS_KEY)
}

export async function saveTokens (datastore: Datastore, tokens: readonly bigint[]): Promise<void> {
  const bytes = new Uint8Array(tokens.length * 8)
  const view = new DataView(bytes.buffer)
  tokens.forEach((t, i) => { view.setBigUint64(i * 8, t) })
  await datastore.put(TOKENS_KEY, bytes)
}

/** The stored tokens when they are as many as this peer must hold; else newly allocated ones, stored. */
export async function tokensFor (datastore: Datastore, existing: readonly RingMember[], self: { id: string, capacity: number, zone?: string }, tokensPerUnit: number): Promise<bigint[]> {
  const stored = await loadTokens(datastore)
  if (stored !== undefined && stored.length === claimedTokens(self, tokensPerUnit)) return stored
  const others = existing.filter(m => m.id !== self.id)
  const tokens = others.length === 0 ? derivedTokens(self, tokensPerUnit) : allocateTokens(others, self, tokensPerUnit)
  await saveTokens(datastore, tokens)
  return tokens
}
