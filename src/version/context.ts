/**
 * The opaque causal context handed to clients with a read and taken back on
 * the next write. It comes back from untrusted hands, so decoding validates
 * everything and fails only with InvalidContextError.
 *
 * A context is bound to the key it was read from: a context of key X handed
 * in with a write of key Y would supersede Y's values that no one was shown
 * (they merely share actors and counters with X's), so it is refused.
 *
 * Format: '' is the empty vector (a blind write: no header, no context; it
 * covers nothing, so it needs no key). Otherwise unpadded base64url of
 *   0x02 (format version) · 8-byte key tag (the first 8 bytes of SHA-256 of
 *   the key's UTF-8) · varint count · count × (varint actor byte length ·
 *   actor UTF-8 · varint counter)
 * with entries sorted by actor (compareActors), actors unique, and varints
 * minimal LEB128. Only this canonical form decodes, so a context has exactly
 * one spelling (handy for caching and comparing). Format 1 had no key tag and
 * is refused: a client holding one reads the key again.
 *
 * Format 3 is format 2 (with 0x03 first) followed by the writes the context
 * covers: varint count (1..MAX_CONTEXT_WRITES) · count × CONTEXT_WRITE_BYTES
 * opaque references (src/store/superseded.ts: write id and value
 * fingerprint). A write minted twice (a hedge) leaves a context covering one
 * of its dots; the replica that mints the next write names the writes it
 * replaced so the other mint stays hidden, and when it holds no record of
 * the key (a stand-in) only the context can tell it which writes those are.
 * A context with no writes to name is written in format 2.
 */
import { MAX_CONTEXT_CHARS } from '../constants.js'
import { InvalidContextError } from '../errors.js'
import { keyPosition } from '../ring/hash.js'
import { base64urlDecode, base64urlEncode } from './base64url.js'
import { varintBytes, writeVarint } from './varint.js'
import { compareActors, sortByActor } from './vector.js'
import type { VersionVector } from './types.js'

export const CONTEXT_FORMAT_VERSION = 2
/** the format of a context that also names the writes it covers */
export const CONTEXT_WRITES_FORMAT_VERSION = 3
/** Bytes of one write reference a context names (WRITE_REF_BYTES of src/store/superseded.ts). */
export const CONTEXT_WRITE_BYTES = 24
/** Most write references a context names (MAX_SUPERSEDES of src/store/superseded.ts). */
export const MAX_CONTEXT_WRITES = 16
/** Bytes of the key tag: a mismatch by accident is 1 in 2^64. */
const KEY_TAG_BYTES = 8
/** Most entries a context may carry (one per replica peer that ever wrote the key). */
export const MAX_CONTEXT_ENTRIES = 1024
/** Longest actor id, in UTF-8 bytes (peer ids are ~52). */
export const MAX_ACTOR_BYTES = 256

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** No lone surrogate: String.prototype.isWellFormed where the runtime has it (a regex with lookbehind costs ~10x more). */
function wellFormed (s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed
  return typeof native === 'function' ? native.call(s) : !LONE_SURROGATE.test(s)
}

/**
 * The first KEY_TAG_BYTES of SHA-256 of the key's UTF-8: the key's ring
 * position (src/ring/hash.ts), which the operation that encodes or decodes
 * this context has most likely just computed, and keyPosition remembers.
 */
function keyTag (key: string): Uint8Array {
  const [hi, lo] = keyPosition(key)
  return Uint8Array.of(hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff)
}

/** A decoded context: the version vector, and the writes it covers by reference (none in format 2). */
export interface DecodedContext {
  vector: VersionVector
  writes: Uint8Array[]
}

/**
 * Encode a version vector (e.g. join of a DVVSet) as the context of `key`,
 * naming `writes` (references of the writes it covers, at most
 * MAX_CONTEXT_WRITES, each CONTEXT_WRITE_BYTES) when there are any.
 * Throws RangeError on a malformed vector or reference.
 */
export function encodeContext (vv: VersionVector, key: string, writes: readonly Uint8Array[] = []): string {
  if (vv.length === 0) return ''
  if (vv.length > MAX_CONTEXT_ENTRIES) throw new RangeError(`context has ${vv.length} entries, over ${MAX_CONTEXT_ENTRIES}`)
  if (writes.length > MAX_CONTEXT_WRITES) throw new RangeError(`context names ${writes.length} writes, over ${MAX_CONTEXT_WRITES}`)
  const sorted = sortByActor([...vv])
  // checked and measured first, then written into one array of the exact size
  const actors: Uint8Array[] = []
  let size = 1 + KEY_TAG_BYTES + varintBytes(sorted.length)
  for (let i = 0; i < sorted.length; i++) {
    const [actor, counter] = sorted[i]
    if (typeof actor !== 'string' || actor.length === 0 || !wellFormed(actor)) throw new RangeError(`context actor ${JSON.stringify(actor)} is not a well-formed non-empty string`)
    if (i > 0 && sorted[i - 1][0] === actor) throw new RangeError(`context actor ${actor} appears twice`)
    if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`context counter for ${actor} is not a non-negative safe integer`)
    const bytes = encoder.encode(actor)
    if (bytes.length > MAX_ACTOR_BYTES) throw new RangeError(`context actor of ${bytes.length} bytes, over ${MAX_ACTOR_BYTES}`)
    actors.push(bytes)
    size += varintBytes(bytes.length) + bytes.length + varintBytes(counter)
  }
  for (const w of writes) {
    if (w.byteLength !== CONTEXT_WRITE_BYTES) throw new RangeError(`context write reference of ${w.byteLength} bytes, not ${CONTEXT_WRITE_BYTES}`)
  }
  if (writes.length > 0) size += varintBytes(writes.length) + writes.length * CONTEXT_WRITE_BYTES
  const chars = Math.ceil(size * 4 / 3)
  if (chars > MAX_CONTEXT_CHARS) throw new RangeError(`context of ${chars} characters, over ${MAX_CONTEXT_CHARS}`)
  const out = new Uint8Array(size)
  const [hi, lo] = keyPosition(key)
  out[0] = writes.length > 0 ? CONTEXT_WRITES_FORMAT_VERSION : CONTEXT_FORMAT_VERSION
  out[1] = hi >>> 24
  out[2] = hi >>> 16
  out[3] = hi >>> 8
  out[4] = hi
  out[5] = lo >>> 24
  out[6] = lo >>> 16
  out[7] = lo >>> 8
  out[8] = lo
  let pos = writeVarint(out, 1 + KEY_TAG_BYTES, sorted.length)
  for (let i = 0; i < sorted.length; i++) {
    pos = writeVarint(out, pos, actors[i].length)
    out.set(actors[i], pos)
    pos = writeVarint(out, pos + actors[i].length, sorted[i][1])
  }
  if (writes.length > 0) {
    pos = writeVarint(out, pos, writes.length)
    for (const w of writes) {
      out.set(w, pos)
      pos += CONTEXT_WRITE_BYTES
    }
  }
  return base64urlEncode(out)
}

class Reader {
  pos = 0
  constructor (readonly bytes: Uint8Array) {}

  varint (what: string): number {
    let n = 0
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.bytes.length) throw new InvalidContextError(`invalid context: truncated ${what}`)
      const b = this.bytes[this.pos++]
      n += (b & 0x7f) * 2 ** (7 * i)
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) throw new InvalidContextError(`invalid context: non-minimal ${what}`)
        if (n > Number.MAX_SAFE_INTEGER) throw new InvalidContextError(`invalid context: ${what} out of range`)
        return n
      }
    }
    throw new InvalidContextError(`invalid context: ${what} out of range`)
  }

  take (len: number, what: string): Uint8Array {
    if (len > this.bytes.length - this.pos) throw new InvalidContextError(`invalid context: truncated ${what}`)
    const out = this.bytes.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }
}

function base64urlBytes (s: string): Uint8Array {
  const bytes = base64urlDecode(s)
  if (typeof bytes === 'string') throw new InvalidContextError(`invalid context: ${bytes}`)
  return bytes
}

function decodeBytes (bytes: Uint8Array, key: string): DecodedContext {
  const r = new Reader(bytes)
  const version = r.take(1, 'format version')[0]
  if (version === 1) throw new InvalidContextError('invalid context: format 1 is not bound to a key; read the key again for a current context')
  if (version !== CONTEXT_FORMAT_VERSION && version !== CONTEXT_WRITES_FORMAT_VERSION) throw new InvalidContextError(`invalid context: unknown format version ${version}`)
  const tag = r.take(KEY_TAG_BYTES, 'key tag')
  const want = keyTag(key)
  if (tag.some((b, i) => b !== want[i])) throw new InvalidContextError('invalid context: it was read from another key; pass the context of a read of this key')
  const count = r.varint('entry count')
  if (count === 0) throw new InvalidContextError('invalid context: empty vector must be encoded as an empty string')
  if (count > MAX_CONTEXT_ENTRIES) throw new InvalidContextError(`invalid context: ${count} entries, over ${MAX_CONTEXT_ENTRIES}`)
  const vv: VersionVector = []
  for (let i = 0; i < count; i++) {
    const len = r.varint('actor length')
    if (len === 0) throw new InvalidContextError('invalid context: empty actor')
    if (len > MAX_ACTOR_BYTES) throw new InvalidContextError(`invalid context: actor of ${len} bytes, over ${MAX_ACTOR_BYTES}`)
    const raw = r.take(len, 'actor')
    let actor: string
    try {
      actor = decoder.decode(raw)
    } catch {
      throw new InvalidContextError('invalid context: actor is not UTF-8')
    }
    if (i > 0 && compareActors(vv[i - 1][0], actor) >= 0) throw new InvalidContextError('invalid context: actors not sorted and unique')
    vv.push([actor, r.varint('counter')])
  }
  const writes: Uint8Array[] = []
  if (version === CONTEXT_WRITES_FORMAT_VERSION) {
    const n = r.varint('write count')
    if (n === 0) throw new InvalidContextError('invalid context: a context naming no writes must be in format 2')
    if (n > MAX_CONTEXT_WRITES) throw new InvalidContextError(`invalid context: ${n} writes named, over ${MAX_CONTEXT_WRITES}`)
    for (let i = 0; i < n; i++) writes.push(r.take(CONTEXT_WRITE_BYTES, 'write reference').slice())
  }
  if (r.pos !== bytes.length) throw new InvalidContextError(`invalid context: ${bytes.length - r.pos} trailing bytes`)
  return { vector: vv, writes }
}

/** Decode and validate a client's context for a write of `key`. Throws only InvalidContextError. */
export function decodeContext (s: string, key: string): VersionVector {
  return decodeContextWrites(s, key).vector
}

/** decodeContext, with the writes the context names (none for format 2). Throws only InvalidContextError. */
export function decodeContextWrites (s: string, key: string): DecodedContext {
  try {
    if (typeof s !== 'string') throw new InvalidContextError('invalid context: not a string')
    if (s.length > MAX_CONTEXT_CHARS) throw new InvalidContextError(`invalid context: ${s.length} characters, over ${MAX_CONTEXT_CHARS}`)
    if (s === '') return { vector: [], writes: [] }
    return decodeBytes(base64urlBytes(s), key)
  } catch (err) {
    if (err instanceof InvalidContextError) throw err
    // Defence in depth: a bug above must still surface as a client error.
    throw new InvalidContextError(`invalid context: ${(err as Error)?.message ?? String(err)}`)
  }
}
