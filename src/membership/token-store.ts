/**
 * This peer's ring tokens, chosen once (allocator.ts) and kept in its
 * datastore, so a restart announces the same ring positions and every peer
 * builds the same ring from the same view. Chosen again only when the count
 * they must have changes (capacity or tokensPerUnit).
 */
import { Key } from 'interface-datastore'
import { allocateTokens } from '../ring/allocator.js'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
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
  const tokens = allocateTokens(existing.filter(m => m.id !== self.id), self, tokensPerUnit)
  await saveTokens(datastore, tokens)
  return tokens
}
