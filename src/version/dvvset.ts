/**
 * Dotted version vector sets: a port of Riak 2's dvvset.erl as pure
 * functions. Inputs are never mutated and outputs never share arrays with
 * inputs (values themselves are shared), so callers may hold on to old states.
 *
 * Entries are kept sorted by actor with compareActors; every function relies
 * on that, as the Erlang code relies on sorted lists.
 */
import { compareActors, mergeVectors } from './vector.js'
import type { DvvEntry, DvvSet, VersionVector } from './types.js'

export type ValueEq<V> = (x: V, y: V) => boolean

const strictEq = <V>(x: V, y: V): boolean => x === y

function copyEntry<V> (e: DvvEntry<V>, values = e.values.slice()): DvvEntry<V> {
  return { actor: e.actor, counter: e.counter, values }
}

/** the single client value of a set made by newSet/newWithContext */
function clientValue<V> (c: DvvSet<V>, fn: string): V {
  if (c.anonymous.length !== 1) {
    throw new RangeError(`${fn}: expected a set with exactly one anonymous value (from newSet/newWithContext), got ${c.anonymous.length}`)
  }
  return c.anonymous[0]
}

export function empty<V> (): DvvSet<V> {
  return { entries: [], anonymous: [] }
}

/** new/1: a value written without a context. */
export function newSet<V> (value: V): DvvSet<V> {
  return { entries: [], anonymous: [value] }
}

/**
 * new/2: a value written with the context the client read. Like Erlang we
 * sort defensively; duplicate actors collapse to their largest counter.
 */
export function newWithContext<V> (context: VersionVector, value: V): DvvSet<V> {
  const vv = mergeVectors(context, [])
  return { entries: vv.map(([actor, counter]) => ({ actor, counter, values: [] })), anonymous: [value] }
}

/**
 * merge/5: both sides know the dots of this actor up to their counter, and
 * keep values only for their most recent dots; a dot survives only if
 * neither side has seen it superseded.
 */
function mergeEntry<V> (a: DvvEntry<V>, b: DvvEntry<V>): DvvEntry<V> {
  const [hi, lo] = a.counter >= b.counter ? [a, b] : [b, a]
  if (hi.counter - hi.values.length >= lo.counter - lo.values.length) return copyEntry(hi)
  return copyEntry(hi, hi.values.slice(0, hi.counter - lo.counter + lo.values.length))
}

function syncEntries<V> (a: Array<DvvEntry<V>>, b: Array<DvvEntry<V>>): Array<DvvEntry<V>> {
  const out: Array<DvvEntry<V>> = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const c = compareActors(a[i].actor, b[j].actor)
    if (c < 0) out.push(copyEntry(a[i++]))
    else if (c > 0) out.push(copyEntry(b[j++]))
    else out.push(mergeEntry(a[i++], b[j++]))
  }
  while (i < a.length) out.push(copyEntry(a[i++]))
  while (j < b.length) out.push(copyEntry(b[j++]))
  return out
}

function union<V> (a: V[], b: V[], eq: ValueEq<V>): V[] {
  const out: V[] = []
  for (const x of [...a, ...b]) {
    if (!out.some(y => eq(x, y))) out.push(x)
  }
  return out
}

/**
 * sync/2: merge two replica states. Anonymous values of a causally older
 * side are dropped; of concurrent sides, unioned (as Erlang's sets, by eq).
 */
export function sync<V> (a: DvvSet<V>, b: DvvSet<V>, eq: ValueEq<V> = strictEq): DvvSet<V> {
  let anonymous: V[]
  if (less(a, b)) anonymous = b.anonymous.slice()
  else if (less(b, a)) anonymous = a.anonymous.slice()
  else anonymous = union(a.anonymous, b.anonymous, eq)
  return { entries: syncEntries(a.entries, b.entries), anonymous }
}

/** sync/1: fold sync over a list; the empty list gives the empty set. */
export function syncAll<V> (sets: Array<DvvSet<V>>, eq: ValueEq<V> = strictEq): DvvSet<V> {
  if (sets.length === 0) return empty()
  let acc: DvvSet<V> = { entries: sets[0].entries.map(e => copyEntry(e)), anonymous: sets[0].anonymous.slice() }
  for (let i = 1; i < sets.length; i++) acc = sync(acc, sets[i], eq)
  return acc
}

/** join/1: the causal context, to hand to a client with the values. */
export function join<V> (c: DvvSet<V>): VersionVector {
  return c.entries.map(e => [e.actor, e.counter])
}

/** event/3: a new dot for actor, tagging value. */
function event<V> (entries: Array<DvvEntry<V>>, actor: string, value: V): Array<DvvEntry<V>> {
  const out = entries.map(e => copyEntry(e))
  const i = out.findIndex(e => compareActors(e.actor, actor) >= 0)
  if (i >= 0 && out[i].actor === actor) {
    out[i] = { actor, counter: out[i].counter + 1, values: [value, ...out[i].values] }
  } else {
    out.splice(i < 0 ? out.length : i, 0, { actor, counter: 1, values: [value] })
  }
  return out
}

/**
 * update/2: tag the client's value with a new dot of actor. For a replica
 * with no local state; otherwise use updateWith.
 */
export function update<V> (c: DvvSet<V>, actor: string): DvvSet<V> {
  return { entries: event(c.entries, actor, clientValue(c, 'update')), anonymous: [] }
}

/**
 * update/3: apply a client write (c, from newSet/newWithContext) to a
 * replica's state (local) as actor, the replica's own id. Local values the
 * client's context covers are superseded; the rest stay as siblings.
 */
export function updateWith<V> (c: DvvSet<V>, local: DvvSet<V>, actor: string, eq: ValueEq<V> = strictEq): DvvSet<V> {
  const value = clientValue(c, 'updateWith')
  const synced = sync({ entries: c.entries, anonymous: [] }, local, eq)
  return { entries: event(synced.entries, actor, value), anonymous: synced.anonymous }
}

/** All current sibling values: entries' values (by actor, newest first), then anonymous. */
export function values<V> (c: DvvSet<V>): V[] {
  const out: V[] = []
  for (const e of c.entries) out.push(...e.values)
  out.push(...c.anonymous)
  return out
}

/** size/1: the number of sibling values. */
export function size<V> (c: DvvSet<V>): number {
  return c.entries.reduce((n, e) => n + e.values.length, c.anonymous.length)
}

/** ids/1: the actors that appear in c. */
export function ids<V> (c: DvvSet<V>): string[] {
  return c.entries.map(e => e.actor)
}

/** greater/3: a's entries strictly dominate b's. */
function greater<V> (a: Array<DvvEntry<V>>, b: Array<DvvEntry<V>>): boolean {
  let strict = false
  let i = 0
  let j = 0
  for (;;) {
    if (i === a.length) return j === b.length && strict
    if (j === b.length) return true
    const c = compareActors(a[i].actor, b[j].actor)
    if (c > 0) return false
    if (c < 0) {
      strict = true
      i++
      continue
    }
    if (a[i].counter < b[j].counter) return false
    if (a[i].counter > b[j].counter) strict = true
    i++
    j++
  }
}

/** less/2: a is strictly causally older than b. */
export function less<V> (a: DvvSet<V>, b: DvvSet<V>): boolean {
  return greater(b.entries, a.entries)
}

/**
 * equal/2, and the values too: the same causal history (actors, counters,
 * live dots per actor, as Erlang) holding the same values under the same
 * dots (values[i] is dot counter - i, so they compare by position), and the
 * same anonymous values in any order. Erlang compares histories only, since
 * a dot names one value; read repair compares values as well so that two
 * replicas holding different values under one dot (a dot minted twice, as
 * by data written before actors got epochs) are not taken as in sync.
 */
export function equal<V> (a: DvvSet<V>, b: DvvSet<V>, eq: ValueEq<V> = strictEq): boolean {
  if (a.entries.length !== b.entries.length || a.anonymous.length !== b.anonymous.length) return false
  const sameEntries = a.entries.every((e, i) => {
    const f = b.entries[i]
    return e.actor === f.actor && e.counter === f.counter && e.values.length === f.values.length &&
      e.values.every((v, k) => eq(v, f.values[k]))
  })
  return sameEntries && a.anonymous.every(x => b.anonymous.some(y => eq(x, y))) && b.anonymous.every(y => a.anonymous.some(x => eq(x, y)))
}

/** map/2: the same causal history over transformed values. */
export function mapValues<V, W> (c: DvvSet<V>, f: (v: V) => W): DvvSet<W> {
  return { entries: c.entries.map(e => ({ actor: e.actor, counter: e.counter, values: e.values.map(f) })), anonymous: c.anonymous.map(f) }
}
