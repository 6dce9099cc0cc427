/**
 * One exported key as a JSON object (one line of an export): the key and
 * its whole replica state, the DVVSet with every sibling (tombstones
 * included: a delete supersedes what its writer saw, so dropping it would
 * bring deleted values back on import), bytes in base64. A line read back is
 * validated as a record from a peer is (sorted unique actors, counters that
 * cover their values, sizes), so a hand-edited or corrupt file is refused
 * with a clear error, never stored as a broken state.
 */
import { fromString, toString } from 'uint8arrays'
import { InvalidArgumentError, MeshError } from '../errors.js'
import { decodeRecord, encodeRecord } from '../store/record.js'
import type { KvRecord, RecordLimits, Sibling } from '../store/record.js'

export interface SiblingJson {
  /** base64 of the value; null for a delete (tombstone) */
  value: string | null
  timestamp: number
  /** base64 of the write id, when the sibling has one */
  writeId?: string
  /** base64 of each replaced-write reference */
  supersedes?: string[]
}

export interface RecordJson {
  entries: Array<{ actor: string, counter: number, values: SiblingJson[] }>
  anonymous: SiblingJson[]
}

export interface ExportLine {
  key: string
  record: RecordJson
}

function b64 (bytes: Uint8Array): string {
  return toString(bytes, 'base64pad')
}

function siblingJson (s: Sibling): SiblingJson {
  const out: SiblingJson = { value: s.value === null ? null : b64(s.value), timestamp: s.timestamp }
  if (s.writeId !== undefined) out.writeId = b64(s.writeId)
  if (s.supersedes !== undefined && s.supersedes.length > 0) out.supersedes = s.supersedes.map(b64)
  return out
}

export function recordToJson (key: string, record: KvRecord): ExportLine {
  return {
    key,
    record: {
      entries: record.entries.map(e => ({ actor: e.actor, counter: e.counter, values: e.values.map(siblingJson) })),
      anonymous: record.anonymous.map(siblingJson)
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function bytes (v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new InvalidArgumentError(`${what} must be a base64 string`)
  try {
    return fromString(v, 'base64pad')
  } catch {
    throw new InvalidArgumentError(`${what} is not valid base64`)
  }
}

function siblingFrom (v: unknown, at: string): Sibling {
  if (!isObject(v)) throw new InvalidArgumentError(`${at} must be an object`)
  if (typeof v.timestamp !== 'number' || !Number.isFinite(v.timestamp)) throw new InvalidArgumentError(`${at}.timestamp must be a number`)
  const s: Sibling = { value: v.value === null ? null : bytes(v.value, `${at}.value`), timestamp: v.timestamp }
  if (v.writeId !== undefined) s.writeId = bytes(v.writeId, `${at}.writeId`)
  if (v.supersedes !== undefined) {
    if (!Array.isArray(v.supersedes)) throw new InvalidArgumentError(`${at}.supersedes must be an array`)
    s.supersedes = v.supersedes.map((r, i) => bytes(r, `${at}.supersedes[${i}]`))
  }
  return s
}

/** A parsed export line, checked; InvalidArgumentError saying what is wrong otherwise. */
export function recordFromJson (v: unknown, limits: RecordLimits): { key: string, record: KvRecord } {
  if (!isObject(v)) throw new InvalidArgumentError('not a JSON object')
  if (typeof v.key !== 'string' || v.key.length === 0) throw new InvalidArgumentError('"key" must be a non-empty string')
  const r = v.record
  if (!isObject(r) || !Array.isArray(r.entries) || !Array.isArray(r.anonymous)) throw new InvalidArgumentError('"record" must be an object with "entries" and "anonymous" arrays')
  const entries = r.entries.map((e: unknown, i) => {
    if (!isObject(e) || typeof e.actor !== 'string' || typeof e.counter !== 'number' || !Number.isSafeInteger(e.counter) || e.counter < 0 || !Array.isArray(e.values)) {
      throw new InvalidArgumentError(`record.entries[${i}] must be { actor: string, counter: whole number, values: [] }`)
    }
    return { actor: e.actor, counter: e.counter, values: e.values.map((s: unknown, j) => siblingFrom(s, `record.entries[${i}].values[${j}]`)) }
  })
  const record: KvRecord = { entries, anonymous: r.anonymous.map((s: unknown, j) => siblingFrom(s, `record.anonymous[${j}]`)) }
  // the checks a record from a peer passes, by the same decoder
  try {
    return { key: v.key, record: decodeRecord(encodeRecord(record), limits) }
  } catch (err) {
    throw new InvalidArgumentError(err instanceof MeshError ? err.message : `record: ${(err as Error).message}`)
  }
}
