/**
 * Superseded refs as they were before refKey's fast path and keys made
 * without a reference (src/store/superseded.ts at f4a592e). Kept as the
 * reference the fast version is checked against
 * (test/store/superseded-reference.test.ts).
 */
import { values } from '../../src/version/index.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

/** Most replaced writes a sibling remembers. */
export const MAX_SUPERSEDES = 16
/** Bytes of one reference: a write id and an 8-byte value fingerprint. */
export const WRITE_REF_BYTES = 24
const ID_BYTES = 16

/**
 * 8 bytes that tell one value from another under one write id without
 * keeping the value: its length and 32-bit FNV-1a; all 0xff for a delete.
 */
function fingerprint (s: Sibling): Uint8Array {
  if (s.value === null) return new Uint8Array(8).fill(0xff)
  // one write's value is fingerprinted several times over a put or a read
  // (replaced writes, applied writes, hidden mints): once per value object
  let out = FINGERPRINTS.get(s.value)
  if (out === undefined) {
    out = fnv(s.value)
    FINGERPRINTS.set(s.value, out)
  }
  return out
}

/** Values are never changed once made, so their fingerprint is kept with them. */
const FINGERPRINTS = new WeakMap<Uint8Array, Uint8Array>()

function fnv (value: Uint8Array): Uint8Array {
  const out = new Uint8Array(8)
  // values come as Buffers (LevelDB, sockets) and Uint8Arrays (decoded,
  // made here): a byte loop that sees both kinds runs ~10x slower (about
  // 14 µs a KB against 1.4), so it reads a plain Uint8Array view
  const bytes = value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]
    h = Math.imul(h, 0x01000193)
  }
  const view = new DataView(out.buffer)
  view.setUint32(0, value.byteLength)
  view.setUint32(4, h >>> 0)
  return out
}

/** The fingerprint as text, for in-memory tables of applied writes (AppliedWrites). */
export function valueFingerprint (s: Sibling): string {
  return refKey(fingerprint(s))
}

/** The reference of a sibling's write; undefined for siblings without a write id. */
export function writeRef (s: Sibling): Uint8Array | undefined {
  if (s.writeId === undefined) return undefined
  const out = new Uint8Array(WRITE_REF_BYTES)
  out.set(s.writeId, 0)
  out.set(fingerprint(s), ID_BYTES)
  return out
}

/**
 * A reference as a map key: one character per byte (never shown to anyone).
 * Reads and writes key every replaced write of a record several times; per
 * byte toString(16) took about 1.2 µs a reference, a tenth of a lone
 * daemon's CPU per get of a key written with contexts.
 */
function refKey (ref: Uint8Array): string {
  return String.fromCharCode.apply(null, ref as unknown as number[])
}

/**
 * The supersedes list of a new sibling written over `current` with the
 * result `next`: the writes of the siblings it replaced, then what those had
 * replaced, deduplicated, newest first, bounded.
 */
export function supersededBy (current: KvRecord | undefined, next: KvRecord): Uint8Array[] {
  if (current === undefined) return []
  const kept = new Set(values(next))
  const gone = values(current).filter(s => !kept.has(s))
  const out: Uint8Array[] = []
  const seen = new Set<string>()
  const push = (ref: Uint8Array | undefined): void => {
    if (ref === undefined || out.length >= MAX_SUPERSEDES) return
    const k = refKey(ref)
    if (seen.has(k)) return
    seen.add(k)
    out.push(ref)
  }
  for (const s of gone) push(writeRef(s))
  for (const s of gone) for (const r of s.supersedes ?? []) push(r)
  return out
}

/**
 * The writes a context of `record` covers, for the context to name
 * (src/version/context.ts): every sibling's write and what it had replaced,
 * bounded as a supersedes list. A replica that mints a write with the
 * context but holds no record of the key learns from them which writes the
 * new sibling replaced.
 */
export function contextWrites (record: KvRecord | undefined): Uint8Array[] {
  return record === undefined ? [] : supersededBy(record, { entries: [], anonymous: [] })
}

/** A new sibling's supersedes list: the writes its replica saw it replace, then those its context names, deduplicated, bounded. */
export function withContextWrites (own: Uint8Array[], named: readonly Uint8Array[]): Uint8Array[] {
  if (named.length === 0) return own
  const out = [...own]
  const seen = new Set(own.map(refKey))
  for (const ref of named) {
    if (out.length >= MAX_SUPERSEDES) break
    if (ref.byteLength !== WRITE_REF_BYTES) continue
    const k = refKey(ref)
    if (seen.has(k)) continue
    seen.add(k)
    out.push(ref)
  }
  return out
}

/** Every write some sibling of the record replaced, by reference key. */
function replacedIn (record: KvRecord): Set<string> {
  const out = new Set<string>()
  for (const s of values(record)) for (const r of s.supersedes ?? []) out.add(refKey(r))
  return out
}

/** The siblings of a record that are not late mints of a write another sibling replaced. */
export function unreplaced (record: KvRecord): Sibling[] {
  const all = values(record)
  const replaced = replacedIn(record)
  if (replaced.size === 0) return all
  return all.filter(s => {
    const ref = writeRef(s)
    return ref === undefined || !replaced.has(refKey(ref))
  })
}

/**
 * How a record knows a write id: 'same' when a sibling replaced exactly this
 * write (same id and value), 'other' when it replaced this id with another
 * value, undefined when it does not know it.
 */
export function replacedWrite (record: KvRecord | undefined, s: Sibling): 'same' | 'other' | undefined {
  if (record === undefined || s.writeId === undefined) return undefined
  const ref = writeRef(s) as Uint8Array
  const key = refKey(ref)
  const id = key.slice(0, ID_BYTES)
  let other = false
  for (const sib of values(record)) {
    for (const r of sib.supersedes ?? []) {
      const k = refKey(r)
      if (k === key) return 'same'
      if (k.startsWith(id)) other = true
    }
  }
  return other ? 'other' : undefined
}
