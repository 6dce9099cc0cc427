/**
 * The context codec as it was before its own base64url and the cached key
 * tag (src/version/context.ts at f4a592e): base64url through uint8arrays and
 * a SHA-256 of the key per call. Kept as the reference the fast codec is
 * checked against (test/version/context-codec.test.ts): same bytes out,
 * same strings accepted, same errors.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import { MAX_CONTEXT_CHARS } from '../../src/constants.js'
import { InvalidContextError } from '../../src/errors.js'
import { compareActors } from '../../src/version/vector.js'
import type { VersionVector } from '../../src/version/types.js'

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
const BASE64URL = /^[A-Za-z0-9_-]*$/
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function writeVarint (out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
}

function keyTag (key: string): Uint8Array {
  return sha256(encoder.encode(key)).subarray(0, KEY_TAG_BYTES)
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
  const sorted = [...vv].sort((a, b) => compareActors(a[0], b[0]))
  const out: number[] = [writes.length > 0 ? CONTEXT_WRITES_FORMAT_VERSION : CONTEXT_FORMAT_VERSION, ...keyTag(key)]
  writeVarint(out, sorted.length)
  sorted.forEach(([actor, counter], i) => {
    if (typeof actor !== 'string' || actor.length === 0 || LONE_SURROGATE.test(actor)) throw new RangeError(`context actor ${JSON.stringify(actor)} is not a well-formed non-empty string`)
    if (i > 0 && sorted[i - 1][0] === actor) throw new RangeError(`context actor ${actor} appears twice`)
    if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`context counter for ${actor} is not a non-negative safe integer`)
    const bytes = encoder.encode(actor)
    if (bytes.length > MAX_ACTOR_BYTES) throw new RangeError(`context actor of ${bytes.length} bytes, over ${MAX_ACTOR_BYTES}`)
    writeVarint(out, bytes.length)
    for (const b of bytes) out.push(b)
    writeVarint(out, counter)
  })
  if (writes.length > 0) {
    writeVarint(out, writes.length)
    for (const w of writes) {
      if (w.byteLength !== CONTEXT_WRITE_BYTES) throw new RangeError(`context write reference of ${w.byteLength} bytes, not ${CONTEXT_WRITE_BYTES}`)
      for (const b of w) out.push(b)
    }
  }
  const s = toString(Uint8Array.from(out), 'base64url')
  if (s.length > MAX_CONTEXT_CHARS) throw new RangeError(`context of ${s.length} characters, over ${MAX_CONTEXT_CHARS}`)
  return s
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
  if (!BASE64URL.test(s)) throw new InvalidContextError('invalid context: not base64url')
  if (s.length % 4 === 1) throw new InvalidContextError('invalid context: bad base64url length')
  // Unused trailing bits would give one context several spellings.
  const unusedBits = s.length % 4 === 2 ? 0x0f : s.length % 4 === 3 ? 0x03 : 0
  if ((ALPHABET.indexOf(s[s.length - 1]) & unusedBits) !== 0) throw new InvalidContextError('invalid context: non-canonical base64url')
  let bytes: Uint8Array
  try {
    bytes = fromString(s, 'base64url')
  } catch {
    throw new InvalidContextError('invalid context: not base64url')
  }
  if (toString(bytes, 'base64url') !== s) throw new InvalidContextError('invalid context: non-canonical base64url')
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
