/**
 * The actor a replica mints a key's next dot under: a per-key epoch of its
 * run's actor (Riak's fix for kv679, lost writes after delete reaping).
 *
 * Once a key's tombstone is collected, a replica holds no record of the
 * counters its actor reached on that key. Minting under the run's actor
 * again would count from the client's context, so from 1 for a blind put,
 * and a dot minted before would be minted twice: a replica that has not
 * collected yet still holds the old tombstone under a higher counter of the
 * same actor, and a merge with it drops the new value as already seen. An
 * acknowledged write would vanish.
 *
 * So a replica keeps minting under an actor of its run that the stored
 * record already holds (its counter there is the latest, since the record
 * is only ever dropped whole), and when the record holds none, under a new
 * one: the run's actor with random hex appended. It parses as the same
 * peer and epoch (actor.ts), so pruning treats it like the run's actor.
 * A run writes a key under one actor, as before, unless the key was
 * collected meanwhile: then under a fresh one that no replica has seen.
 */
import type { DvvSet } from './types.js'

/** Random bytes of a key epoch (hex appended to the run's actor). */
export const KEY_EPOCH_BYTES = 4

/** The newest actor of this run (runActor or one of its key epochs) that the record holds. */
export function ownActor<V> (current: DvvSet<V> | undefined, runActor: string): string | undefined {
  let mine: string | undefined
  for (const e of current?.entries ?? []) {
    if (e.actor.startsWith(runActor) && (mine === undefined || e.actor > mine)) mine = e.actor
  }
  return mine
}

/** The actor for the next dot of a record stored as `current`, by a run whose actor is `runActor`. */
export function mintingActor<V> (current: DvvSet<V> | undefined, runActor: string, random: () => Uint8Array): string {
  const mine = ownActor(current, runActor)
  if (mine !== undefined) return mine
  const bytes = random()
  if (bytes.byteLength < KEY_EPOCH_BYTES) throw new RangeError(`a key epoch needs ${KEY_EPOCH_BYTES} random bytes`)
  return runActor + Array.from(bytes.subarray(0, KEY_EPOCH_BYTES), b => b.toString(16).padStart(2, '0')).join('')
}
