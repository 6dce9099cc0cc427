/**
 * Replica actor ids. A replica mints dots under `<peerId>.<epoch>`, with a
 * fresh epoch at every start, never under its bare peer id: whatever
 * happened to its data dir (a crash with fsync off, a restored backup, a
 * copied dir), a restarted replica cannot mint a dot it minted before, since
 * no earlier run used its actor id. A proof of clean shutdown (Riak's vnode
 * epochs) would not do: a restored copy brings its proof back with it.
 *
 * The epoch is the start time in base 36, padded to a fixed width so epochs
 * order by time, then random hex so two starts in the same millisecond (or a
 * clock set back) still differ. About 70 bytes with an Ed25519 peer id, well
 * under MAX_ACTOR_BYTES. Actors written by earlier versions are bare peer ids
 * and parse as epoch time 0 (older than any epoch).
 */

/** base-36 digits of the start time: enough for any ms timestamp before the year 5000 */
const TIME_DIGITS = 9
const EPOCH = /^([0-9a-z]{9})[0-9a-f]{8,}$/

export interface ActorParts {
  /** the peer the actor belongs to */
  peer: string
  /** start time of the actor's epoch (ms since 1970), 0 for a bare peer id */
  startedMs: number
}

/** The actor id of a replica run that started at startedMs; random: at least 4 bytes. */
export function actorId (peer: string, startedMs: number, random: Uint8Array): string {
  if (random.byteLength < 4) throw new RangeError('actor epoch needs at least 4 random bytes')
  const time = Math.max(0, Math.floor(startedMs)).toString(36).padStart(TIME_DIGITS, '0').slice(-TIME_DIGITS)
  const hex = Array.from(random.subarray(0, 4), b => b.toString(16).padStart(2, '0')).join('')
  return `${peer}.${time}${hex}`
}

/** Split an actor id into peer and epoch start time; anything without an epoch is a bare peer id. */
export function parseActor (actor: string): ActorParts {
  const dot = actor.lastIndexOf('.')
  const m = dot > 0 ? EPOCH.exec(actor.slice(dot + 1)) : null
  if (m === null) return { peer: actor, startedMs: 0 }
  return { peer: actor.slice(0, dot), startedMs: parseInt(m[1], 36) }
}
