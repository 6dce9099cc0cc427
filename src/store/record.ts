/**
 * A key's replica state: a DVVSet over siblings. A delete is a sibling whose
 * value is null (a tombstone), so it carries a version like any write and
 * supersedes exactly what its writer had seen.
 */
import { Record as PbRecord } from './pb/record.js'
import { encodeRecordFast } from './record-encoder.js'
import { decodeRecord } from './record-decoder.js'
import { values } from '../version/index.js'
import type { Sibling as PbSibling } from './pb/record.js'
import type { DvvSet } from '../version/types.js'

export interface Sibling {
  /** null: a tombstone */
  value: Uint8Array | null
  /** coordinator's wall clock at the write (ms); informational only */
  timestamp: number
  /**
   * The client write that made this sibling (WRITE_ID_BYTES); absent on
   * records from before write ids. Two siblings with the same id are one
   * write minted twice (a retry through another replica): shown once.
   */
  writeId?: Uint8Array
  /** the writes this one replaced (write references, src/store/superseded.ts) */
  supersedes?: Uint8Array[]
}

/** Length of a write id; ids of other lengths from a peer are refused. */
export const WRITE_ID_BYTES = 16

/** Node's Buffer where there is one (a native memcmp); absent in a browser */
const NativeBuffer = (globalThis as { Buffer?: { from: (buf: ArrayBufferLike, offset: number, length: number) => { equals: (other: Uint8Array) => boolean } } }).Buffer

function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  // values and records are compared whole on every merge and read: a byte
  // loop over arrays of mixed kinds (Buffer, Uint8Array) took ~15 µs a KB
  if (a.byteLength >= 64 && NativeBuffer !== undefined) return NativeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) return false
  }
  return true
}

/** Same write id (both present). */
export function sameWrite (a: Sibling, b: Sibling): boolean {
  return a.writeId !== undefined && b.writeId !== undefined && bytesEqual(a.writeId, b.writeId)
}

export type KvRecord = DvvSet<Sibling>

export function siblingEquals (a: Sibling, b: Sibling): boolean {
  if (a.timestamp !== b.timestamp) return false
  if ((a.writeId === undefined) !== (b.writeId === undefined)) return false
  if (a.writeId !== undefined && !sameWrite(a, b)) return false
  if (a.value === null || b.value === null) return a.value === b.value
  return bytesEqual(a.value, b.value)
}

/**
 * One write minted twice: the same write id and the same value (or both
 * deletes); timestamps differ between attempts of one write.
 */
export function sameWriteAndValue (a: Sibling, b: Sibling): boolean {
  if (!sameWrite(a, b)) return false
  if (a.value === null || b.value === null) return a.value === b.value
  return bytesEqual(a.value, b.value)
}


/**
 * The siblings a client is shown: one per write. A write retried through a
 * second replica is stored under two dots with one write id; the context
 * still covers both dots, so a write with it replaces both. Siblings with
 * one write id but different values are not one write (an id reused for
 * another value, through a replica that had not seen the first): both are
 * shown, since a context covers both.
 */
export function distinctWrites (siblings: Sibling[]): Sibling[] {
  const out: Sibling[] = []
  for (const s of siblings) {
    if (!out.some(o => sameWriteAndValue(o, s))) out.push(s)
  }
  return out
}

/**
 * `next` is `current` with a client write applied. The write's context
 * superseded some siblings of `current`; a sibling of `next` that is another
 * mint of one of those writes (same write id and value: a hedge or a retry
 * through another replica, whose dot the context could not name) was shown
 * to the writer as that write, so it goes too. A DVVSet keeps an actor's
 * live dots contiguous (newest first), so only an actor's oldest live values
 * can be dropped; a mint that is not is left as it is (shown once).
 */
export function supersedeOtherMints (current: KvRecord | undefined, next: KvRecord): KvRecord {
  if (current === undefined) return next
  const kept = new Set(values(next))
  const gone = values(current).filter(s => !kept.has(s) && s.writeId !== undefined)
  if (gone.length === 0) return next
  const isGone = (s: Sibling): boolean => gone.some(g => sameWriteAndValue(g, s))
  let changed = false
  const entries = next.entries.map(e => {
    let end = e.values.length
    while (end > 0 && isGone(e.values[end - 1])) end--
    if (end === e.values.length) return e
    changed = true
    return { actor: e.actor, counter: e.counter, values: e.values.slice(0, end) }
  })
  const anonymous = next.anonymous.filter(s => !isGone(s))
  if (anonymous.length !== next.anonymous.length) changed = true
  return changed ? { entries, anonymous } : next
}

/** Limits applied when decoding records that came from disk or a peer. */
export interface RecordLimits {
  maxValueBytes: number
}

/** Limits for decoding records this peer wrote or holds: no value limit of their own (it took them, under whatever limit it had then). */
export const OWN_RECORD_LIMITS: RecordLimits = { maxValueBytes: Number.MAX_SAFE_INTEGER }

const EMPTY = new Uint8Array(0)

function toPbSibling (s: Sibling): PbSibling {
  return {
    data: (s.value ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    tombstone: s.value === null,
    timestamp: s.timestamp,
    writeId: (s.writeId ?? EMPTY) as Uint8Array<ArrayBuffer>,
    supersedes: (s.supersedes ?? []) as Array<Uint8Array<ArrayBuffer>>
  }
}

/**
 * The bytes of records this peer encoded or read back from its own store.
 * Records are never changed once built (every DVV operation makes a new
 * one), so a record's encoding is made at most once: the store writes it,
 * and the same bytes answer a GET, go out in each SYNC of a write and in a
 * PUT's reply, instead of one protobuf encoding each.
 */
const ENCODED = new WeakMap<KvRecord, Uint8Array>()

export function encodeRecord (r: KvRecord): Uint8Array {
  let bytes = ENCODED.get(r)
  if (bytes === undefined) {
    bytes = encodeRecordFast(r) ?? PbRecord.encode({
      entries: r.entries.map(e => ({ actor: e.actor, counter: BigInt(e.counter), values: e.values.map(toPbSibling) })),
      anonymous: r.anonymous.map(toPbSibling)
    })
    ENCODED.set(r, bytes)
  }
  return bytes
}

/**
 * decodeRecord for bytes this peer's own encoder wrote (its store): they
 * are kept as the record's encoding. Never for bytes from a peer, which may
 * carry fields this version skips: stored or sent on as they are, a hostile
 * peer's padding would travel.
 */
export function decodeOwnRecord (bytes: Uint8Array, limits: RecordLimits): KvRecord {
  const record = decodeRecord(bytes, limits)
  ENCODED.set(record, bytes)
  return record
}

/**
 * A record of its own, whose values are views into a copy of `record`'s
 * encoding (a new Uint8Array: a Buffer's slice() is a view): what a caller
 * may keep or change without pinning or changing the bytes it came from (a
 * TCP read, a store's cached record). Throws as decodeRecord does.
 */
export function copyRecord (record: KvRecord): KvRecord {
  return decodeOwnRecord(new Uint8Array(encodeRecord(record)), OWN_RECORD_LIMITS)
}

/** Whether `bytes` are the encoding of `record` (a replica's reply that is the record in hand). */
export function isEncodingOf (bytes: Uint8Array, record: KvRecord): boolean {
  return bytesEqual(bytes, encodeRecord(record))
}

export { decodeRecord }

/** Number of sibling values a record holds (tombstones included). */
export function siblingCount (r: KvRecord): number {
  return r.entries.reduce((n, e) => n + e.values.length, r.anonymous.length)
}
