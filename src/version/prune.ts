/**
 * Bounding version vectors. Every replica start is a new actor (actor.ts), so
 * a key written through replicas that restart often gains an entry per
 * restart. Past a threshold, entries of retired actors that hold no value
 * are dropped, oldest epochs first (Riak's pruning of vnode-epoch entries).
 *
 * Retired: the same peer has an entry of a newer epoch in this record, so
 * this epoch's run has ended and will mint no more dots. The caller names
 * its own current actor in `keep`: a replica must never drop its own entry,
 * or its next write would count from 1 again and mint a dot twice.
 *
 * The trade-off, and why pruning waits for the threshold: a value-less entry
 * is the record of which of that actor's dots were superseded. Once dropped,
 * a stale replica that still holds a value under one of those dots (it never
 * received the overwrite) brings it back on the next merge as a sibling of
 * the newer value: an overwritten value can resurface. Nothing acknowledged
 * is lost (only entries without values go), and a record with no more than
 * `threshold` entries is never pruned, so this needs more than `threshold`
 * epochs of writers on one key and a replica that stayed stale through them.
 */
import { parseActor } from './actor.js'
import type { DvvEntry, DvvSet } from './types.js'

/** Records with more entries than this are pruned. */
export const PRUNE_ABOVE_ENTRIES = 64

interface Epoch<V> { entry: DvvEntry<V>, peer: string, startedMs: number }

/** epoch order: start time, then actor id (two epochs never share one) */
function compareEpochs<V> (x: Epoch<V>, y: Epoch<V>): number {
  if (x.startedMs !== y.startedMs) return x.startedMs - y.startedMs
  return x.entry.actor < y.entry.actor ? -1 : x.entry.actor > y.entry.actor ? 1 : 0
}

/** c without its oldest value-less retired entries, down to `threshold` entries when there are enough; c itself when nothing goes. */
export function pruneRetired<V> (c: DvvSet<V>, keep: string | undefined, threshold = PRUNE_ABOVE_ENTRIES): DvvSet<V> {
  const excess = c.entries.length - threshold
  if (excess <= 0) return c
  const epochs: Array<Epoch<V>> = c.entries.map(entry => ({ entry, ...parseActor(entry.actor) }))
  const newest = new Map<string, Epoch<V>>()
  for (const e of epochs) {
    const n = newest.get(e.peer)
    if (n === undefined || compareEpochs(e, n) > 0) newest.set(e.peer, e)
  }
  const drop = new Set(epochs
    .filter(e => e.entry.values.length === 0 && e.entry.actor !== keep && newest.get(e.peer) !== e)
    .sort(compareEpochs)
    .slice(0, excess)
    .map(e => e.entry))
  if (drop.size === 0) return c
  return { entries: c.entries.filter(e => !drop.has(e)), anonymous: c.anonymous.slice() }
}
