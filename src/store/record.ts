/**
 * A key's replica state: a DVVSet over siblings. A delete is a sibling whose
 * value is null (a tombstone), so it carries a version like any write and
 * supersedes exactly what its writer had seen.
 */
import { ProtocolError } from '../errors.js'
import { MAX_SIBLINGS } from '../constants.js'

/** Merges of concurrent writes may pass the write limit; reads accept this many. */
const MAX_DECODED_SIBLINGS = MAX_SIBLINGS * 16
/** Actors are replica peers that coordinated a write of the key: bounded by the cluster. */
const MAX_ACTORS = 1024
/** Per actor, so one hostile frame cannot make the decoder build millions of siblings. */
const MAX_VALUES_PER_ACTOR = MAX_SIBLINGS * 4
import { Record as PbRecord } from './pb/record.js'
import type { Sibling as PbSibling } from './pb/record.js'
import type { DvvSet } from '../version/types.js'

export interface Sibling {
  /** null: a tombstone */
  value: Uint8Array | null
  /** coordinator's wall clock at the write (ms); informational only */
  timestamp: number
}

export type KvRecord = DvvSet<Sibling>

export function siblingEquals (a: Sibling, b: Sibling): boolean {
  if (a.timestamp !== b.timestamp) return false
  if (a.value === null || b.value === null) return a.value === b.value
  if (a.value.byteLength !== b.value.byteLength) return false
  for (let i = 0; i < a.value.byteLength; i++) {
    if (a.value[i] !== b.value[i]) return false
  }
  return true
}

/** Limits applied when decoding records that came from disk or a peer. */
export interface RecordLimits {
  maxValueBytes: number
}

function toPbSibling (s: Sibling): PbSibling {
  return { data: (s.value ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>, tombstone: s.value === null, timestamp: s.timestamp }
}

function fromPbSibling (s: PbSibling, limits: RecordLimits): Sibling {
  if (s.tombstone && s.data.byteLength > 0) throw new ProtocolError('record: tombstone carries data')
  if (s.data.byteLength > limits.maxValueBytes) throw new ProtocolError(`record: value of ${s.data.byteLength} bytes over the limit`)
  if (!Number.isFinite(s.timestamp)) throw new ProtocolError('record: bad timestamp')
  return { value: s.tombstone ? null : s.data, timestamp: s.timestamp }
}

export function encodeRecord (r: KvRecord): Uint8Array {
  return PbRecord.encode({
    entries: r.entries.map(e => ({ actor: e.actor, counter: BigInt(e.counter), values: e.values.map(toPbSibling) })),
    anonymous: r.anonymous.map(toPbSibling)
  })
}

/**
 * Decode and validate a record: bytes from a hostile peer must come out as a
 * well-formed DVVSet (sorted unique actors, counters that cover their
 * values) or as a ProtocolError, never as a corrupt state.
 */
export function decodeRecord (bytes: Uint8Array, limits: RecordLimits): KvRecord {
  let pb: PbRecord
  try {
    pb = PbRecord.decode(bytes, { limits: { entries: MAX_ACTORS, anonymous: MAX_DECODED_SIBLINGS, entries$: { values: MAX_VALUES_PER_ACTOR } } })
  } catch (err) {
    const message = (err as Error).message
    if (/too many elements/.test(message)) throw new ProtocolError(`record: too many siblings or actors (${message})`)
    throw new ProtocolError(`record: undecodable (${message})`)
  }
  let prev: string | undefined
  let siblings = pb.anonymous.length
  const entries = pb.entries.map(e => {
    if (e.actor.length === 0 || e.actor.length > 256) throw new ProtocolError('record: bad actor')
    if (prev !== undefined && e.actor <= prev) throw new ProtocolError('record: actors not sorted and unique')
    prev = e.actor
    if (e.counter > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolError('record: counter out of range')
    const counter = Number(e.counter)
    if (e.values.length > counter) throw new ProtocolError('record: more values than events')
    siblings += e.values.length
    return { actor: e.actor, counter, values: e.values.map(s => fromPbSibling(s, limits)) }
  })
  if (siblings > MAX_DECODED_SIBLINGS) throw new ProtocolError(`record: ${siblings} siblings, over ${MAX_DECODED_SIBLINGS}`)
  return { entries, anonymous: pb.anonymous.map(s => fromPbSibling(s, limits)) }
}

/** Number of sibling values a record holds (tombstones included). */
export function siblingCount (r: KvRecord): number {
  return r.entries.reduce((n, e) => n + e.values.length, r.anonymous.length)
}
