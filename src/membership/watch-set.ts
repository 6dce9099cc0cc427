/**
 * Which members this peer probes directly: a bounded set, so the cost of
 * failure detection per peer does not grow with the cluster. Its
 * neighbours on the ring of member ids (the `neighbours` next ids either
 * side, wrapping), which makes watching symmetric (every member is watched
 * by at least its own neighbours), plus `random` others that change every
 * epoch, so a partition between neighbourhoods is still seen. The random
 * ones may be drawn from a pool (the members this peer keeps connections
 * to, connector.ts): a probe dials the member it pings, and a new random
 * member each epoch from the whole cluster left a connection behind each
 * time, until every peer was connected to every other. Pure.
 */

export interface WatchOptions {
  /** members watched on each side of this peer on the id ring */
  neighbours: number
  /** other members watched, picked afresh each epoch */
  random: number
}

export const DEFAULT_WATCH: WatchOptions = { neighbours: 2, random: 3 }

/** FNV-1a, 32 bits: a cheap, stable spread for rendezvous picks (not security). */
function fnv (s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** The members to probe, from the ids of the live members (any order; self may be among them); the random ones from `pool` when given. */
export function watchSet (self: string, live: readonly string[], epoch: number, options: WatchOptions = DEFAULT_WATCH, pool?: readonly string[]): string[] {
  const others = [...new Set(live)].filter(id => id !== self).sort()
  const picked = new Set<string>()
  if (others.length === 0) return []
  // where self would sit among the others
  let at = 0
  while (at < others.length && others[at] < self) at++
  for (let k = 0; k < options.neighbours && picked.size < others.length; k++) {
    picked.add(others[(at + k) % others.length])
    picked.add(others[(at - 1 - k + others.length * (k + 1)) % others.length])
  }
  if (options.random > 0 && picked.size < others.length) {
    const inPool = pool === undefined ? undefined : new Set(pool)
    const from = inPool === undefined ? others : others.filter(id => inPool.has(id))
    const rest = from.filter(id => !picked.has(id))
      .map(id => ({ id, score: fnv(`${self}|${epoch}|${id}`) }))
      .sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1))
    for (const { id } of rest.slice(0, options.random)) picked.add(id)
  }
  return [...picked]
}
