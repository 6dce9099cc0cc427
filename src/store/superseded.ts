/**
 * Which writes a record's siblings replaced. One client write may be minted
 * twice, under two dots (a hedge, or a retry through another replica, lands
 * on a replica that has not seen the first mint yet). A context covers the
 * dots its holder was shown; a mint that lands after the write that
 * replaced the write is covered by no context, and would bring the replaced
 * (or deleted) value back.
 *
 * So every sibling written with a context carries the writes it replaced:
 * `supersedes`, references of write id and value fingerprint, its own
 * replaced writes first and then what those had replaced, newest first, at
 * most MAX_SUPERSEDES. The list travels with the sibling through sync and
 * read repair, so every replica learns it with the write. A sibling that is
 * a mint of a write some sibling of the record replaced is hidden from
 * readers (the context still covers its dot, so the next write removes it),
 * and a replica does not mint such a write again.
 *
 * The bound: a mint that lands more than MAX_SUPERSEDES replacing writes
 * later is not recognised and shows as a sibling again (nothing is lost).
 */
import { values } from '../version/index.js'
import type { KvRecord, Sibling } from './record.js'

/** Most replaced writes a sibling remembers. */
export const MAX_SUPERSEDES = 16
/** Bytes of one reference: a write id and an 8-byte value fingerprint. */
export const WRITE_REF_BYTES = 24
const ID_BYTES = 16

/** A value's fingerprint, and the same as a map key (refKey). */
interface Fingerprint { bytes: Uint8Array, key: string }

/**
 * 8 bytes that tell one value from another under one write id without
 * keeping the value: its length and 32-bit FNV-1a; all 0xff for a delete.
 */
function fingerprint (s: Sibling): Fingerprint {
  if (s.value === null) return DELETED
  // one write's value is fingerprinted several times over a put or a read
  // (replaced writes, applied writes, hidden mints): once per value object
  let out = FINGERPRINTS.get(s.value)
  if (out === undefined) {
    const bytes = fnv(s.value)
    out = { bytes, key: refKey(bytes) }
    FINGERPRINTS.set(s.value, out)
  }
  return out
}

const DELETED_BYTES = new Uint8Array(8).fill(0xff)
const DELETED: Fingerprint = { bytes: DELETED_BYTES, key: refKey(DELETED_BYTES) }

/** Values are never changed once made, so their fingerprint is kept with them. */
const FINGERPRINTS = new WeakMap<Uint8Array, Fingerprint>()

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
  return fingerprint(s).key
}

/** The reference of a sibling's write; undefined for siblings without a write id. */
export function writeRef (s: Sibling): Uint8Array | undefined {
  if (s.writeId === undefined) return undefined
  const out = new Uint8Array(WRITE_REF_BYTES)
  out.set(s.writeId, 0)
  out.set(fingerprint(s).bytes, ID_BYTES)
  return out
}

/** refKey(writeRef(s)), without making the reference: what lookups need. */
function writeKey (s: Sibling): string | undefined {
  if (s.writeId === undefined) return undefined
  if (s.writeId.byteLength !== ID_BYTES) return refKey(writeRef(s) as Uint8Array)
  return refKey(s.writeId) + fingerprint(s).key
}

/**
 * A reference (or a write id) as a map key: one character per byte, never
 * shown to anyone. Reads and writes key every replaced write of a record
 * several times; per byte toString(16) took about 1.2 µs a reference, a
 * tenth of a lone daemon's CPU per get of a key written with contexts.
 */
export function refKey (ref: Uint8Array): string {
  // the lengths met, spelt out: a call with its arguments listed takes a
  // fifth of what apply over a typed array takes
  if (ref.length === WRITE_REF_BYTES) return String.fromCharCode(ref[0], ref[1], ref[2], ref[3], ref[4], ref[5], ref[6], ref[7], ref[8], ref[9], ref[10], ref[11], ref[12], ref[13], ref[14], ref[15], ref[16], ref[17], ref[18], ref[19], ref[20], ref[21], ref[22], ref[23])
  if (ref.length === ID_BYTES) return String.fromCharCode(ref[0], ref[1], ref[2], ref[3], ref[4], ref[5], ref[6], ref[7], ref[8], ref[9], ref[10], ref[11], ref[12], ref[13], ref[14], ref[15])
  if (ref.length === 8) return String.fromCharCode(ref[0], ref[1], ref[2], ref[3], ref[4], ref[5], ref[6], ref[7])
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
  // deduplicated against what is already out (at most MAX_SUPERSEDES, most
  // told apart by their first byte): no map key made per reference
  const out: Uint8Array[] = []
  for (const s of gone) {
    if (out.length >= MAX_SUPERSEDES) return out
    const ref = writeRef(s)
    if (ref === undefined || includesRef(out, ref)) continue
    out.push(ref)
  }
  for (const s of gone) {
    for (const r of s.supersedes ?? []) {
      if (out.length >= MAX_SUPERSEDES) return out
      if (includesRef(out, r)) continue
      out.push(r)
    }
  }
  return out
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function includesRef (refs: readonly Uint8Array[], ref: Uint8Array): boolean {
  for (const r of refs) if (sameBytes(r, ref)) return true
  return false
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
  for (const ref of named) {
    if (out.length >= MAX_SUPERSEDES) break
    if (ref.byteLength !== WRITE_REF_BYTES || includesRef(out, ref)) continue
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

/**
 * Beyond this many sibling-reference pairs unreplaced keys the references
 * in a set, rather than comparing each sibling's write id with each of them.
 */
const COMPARED_PAIRS = 512

/** The siblings of a record that are not late mints of a write another sibling replaced. */
export function unreplaced (record: KvRecord): Sibling[] {
  const all = values(record)
  const refs: Uint8Array[] = []
  for (const s of all) for (const r of s.supersedes ?? []) refs.push(r)
  if (refs.length === 0) return all
  if (refs.length * all.length > COMPARED_PAIRS) {
    const replaced = replacedIn(record)
    return all.filter(s => {
      const k = writeKey(s)
      return k === undefined || !replaced.has(k)
    })
  }
  // a sibling's write id is rarely among the references: its value is
  // fingerprinted only when it is
  return all.filter(s => !replacedBy(refs, s))
}

/** Whether `refs` hold the reference of s's write (writeRef(s)). */
function replacedBy (refs: readonly Uint8Array[], s: Sibling): boolean {
  const id = s.writeId
  if (id === undefined) return false
  if (id.byteLength !== ID_BYTES) return includesRef(refs, writeRef(s) as Uint8Array)
  let fp: Uint8Array | undefined
  for (const r of refs) {
    if (r.length !== WRITE_REF_BYTES || r[0] !== id[0]) continue
    let i = 1
    while (i < ID_BYTES && r[i] === id[i]) i++
    if (i < ID_BYTES) continue
    fp ??= fingerprint(s).bytes
    while (i < WRITE_REF_BYTES && r[i] === fp[i - ID_BYTES]) i++
    if (i === WRITE_REF_BYTES) return true
  }
  return false
}

/**
 * How a record knows a write id: 'same' when a sibling replaced exactly this
 * write (same id and value), 'other' when it replaced this id with another
 * value, undefined when it does not know it.
 */
export function replacedWrite (record: KvRecord | undefined, s: Sibling): 'same' | 'other' | undefined {
  if (record === undefined || s.writeId === undefined) return undefined
  // an id of another length has its reference made at once (one longer than
  // a reference is refused there); a write id's value is fingerprinted only
  // when a reference names the id
  let ref = s.writeId.byteLength === ID_BYTES ? undefined : writeRef(s)
  const id = ref ?? s.writeId
  let other = false
  for (const sib of values(record)) {
    for (const r of sib.supersedes ?? []) {
      if (r.length < ID_BYTES) continue
      let i = 0
      while (i < ID_BYTES && r[i] === id[i]) i++
      if (i < ID_BYTES) continue
      if (r.length === WRITE_REF_BYTES) {
        ref ??= writeRef(s) as Uint8Array
        if (sameBytes(r, ref)) return 'same'
      }
      other = true
    }
  }
  return other ? 'other' : undefined
}
