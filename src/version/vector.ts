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
  return sortByActor([...m.entries()])
}

/** Past this many entries a vector is sorted by Array.prototype.sort. */
const INSERTION_SORT_MAX = 16

/**
 * Sorts `vv` in place by actor and returns it. A vector holds a few entries
 * (one per replica run that wrote the key): sorted by insertion, as
 * Array.prototype.sort allocates a work array on every call, and every
 * write sorts two or three of them (its context, the client's next one).
 */
export function sortByActor (vv: VersionVector): VersionVector {
  if (vv.length > INSERTION_SORT_MAX) return vv.sort((x, y) => compareActors(x[0], y[0]))
  for (let i = 1; i < vv.length; i++) {
    const entry = vv[i]
    let j = i - 1
    while (j >= 0 && compareActors(vv[j][0], entry[0]) > 0) {
      vv[j + 1] = vv[j]
      j--
    }
    vv[j + 1] = entry
  }
  return vv
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
