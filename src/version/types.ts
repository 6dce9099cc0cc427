/**
 * Dotted version vector sets (DVVSet, as in Riak 2's dvvset.erl and the
 * "Dotted Version Vectors" paper). One entry per replica actor (peer id).
 *
 * An entry `{ actor, counter, values }` says: this actor has issued events
 * 1..counter; `values[i]` is the value written at dot (actor, counter - i),
 * newest first, and only values not yet superseded are kept. `anonymous`
 * holds values not yet tagged with a dot (a client write before `update`).
 */
export interface DvvEntry<V> {
  actor: string
  counter: number
  values: V[]
}

export interface DvvSet<V> {
  /** sorted by actor, one per actor */
  entries: Array<DvvEntry<V>>
  anonymous: V[]
}

/** A plain version vector: [actor, counter] pairs sorted by actor. */
export type VersionVector = Array<[actor: string, counter: number]>
