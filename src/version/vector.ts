/**
 * Plain version vectors: what a client holds as a causal context, and what
 * DVVSet.join returns. Missing actors count as 0. Inputs are expected sorted
 * by actor (see types.ts) but these helpers do not rely on it.
 */
import type { VersionVector } from './types.js'

export type VectorOrder = 'equal' | 'before' | 'after' | 'concurrent'

function toMap (v: VersionVector): Map<string, number> {
  const m = new Map<string, number>()
  for (const [actor, n] of v) m.set(actor, Math.max(n, m.get(actor) ?? 0))
  return m
}

/** Compare actors the same way everywhere (UTF-16 code unit order). */
export function compareActors (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** a has seen everything b has (a >= b pointwise). */
export function descends (a: VersionVector, b: VersionVector): boolean {
  const ma = toMap(a)
  for (const [actor, n] of b) {
    if ((ma.get(actor) ?? 0) < n) return false
  }
  return true
}

/** Pointwise maximum, sorted by actor. */
export function mergeVectors (a: VersionVector, b: VersionVector): VersionVector {
  const m = toMap(a)
  for (const [actor, n] of b) m.set(actor, Math.max(n, m.get(actor) ?? 0))
  return [...m.entries()].sort((x, y) => compareActors(x[0], y[0]))
}

/** 'before' means a happened before b (b descends a, and they differ). */
export function compareVectors (a: VersionVector, b: VersionVector): VectorOrder {
  const ab = descends(a, b)
  const ba = descends(b, a)
  if (ab && ba) return 'equal'
  if (ab) return 'after'
  if (ba) return 'before'
  return 'concurrent'
}
