import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { toString } from 'uint8arrays/to-string'
import { sha256 } from '@noble/hashes/sha2.js'
import { encodeContext, decodeContext, decodeContextWrites, CONTEXT_WRITE_BYTES, MAX_CONTEXT_WRITES, MAX_CONTEXT_ENTRIES, MAX_ACTOR_BYTES } from '../../src/version/index.js'
import type { VersionVector } from '../../src/version/index.js'
import { InvalidContextError } from '../../src/errors.js'
import { MAX_CONTEXT_CHARS } from '../../src/constants.js'

const KEY = 'k'
const TAG = [...sha256(new TextEncoder().encode(KEY)).subarray(0, 8)]
const peerId = '12D3KooWGRUVh8Af2FzBvzVvTUKCTzvz9xXWdhM2hDpg5sQ3SdAu'

const actorArb = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '0', '-', 'é', '😀', '中'), minLength: 1, maxLength: 12 })
const vvArb: fc.Arbitrary<VersionVector> = fc.uniqueArray(fc.tuple(actorArb, fc.maxSafeNat()), { selector: e => e[0], maxLength: 12 })

const sortVv = (vv: VersionVector): VersionVector => [...vv].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/** A context built byte by byte, for inputs the encoder would never make. */
function raw (...parts: Array<number | string>): string {
  const bytes: number[] = []
  for (const p of parts) {
    if (typeof p === 'number') bytes.push(p)
    else bytes.push(...new TextEncoder().encode(p))
  }
  return toString(Uint8Array.from(bytes), 'base64url')
}

function rejects (s: string, message: RegExp): void {
  assert.throws(() => decodeContext(s, KEY), (err: Error) => err instanceof InvalidContextError && err.code === 'ERR_INVALID_CONTEXT' && message.test(err.message), `${s} -> ${message}`)
}

/** Either a valid, canonical vector or an InvalidContextError; nothing else. */
function decodesOrRejects (s: string): void {
  let vv: VersionVector
  let writes: Uint8Array[]
  try {
    ({ vector: vv, writes } = decodeContextWrites(s, KEY))
  } catch (err) {
    assert.ok(err instanceof InvalidContextError, `threw ${String(err)} for ${JSON.stringify(s)}`)
    return
  }
  assert.ok(Array.isArray(vv) && vv.length <= MAX_CONTEXT_ENTRIES)
  vv.forEach(([actor, n], i) => {
    assert.ok(typeof actor === 'string' && actor.length > 0)
    assert.ok(Number.isSafeInteger(n) && n >= 0)
    if (i > 0) assert.ok(vv[i - 1][0] < actor)
  })
  assert.ok(writes.length <= MAX_CONTEXT_WRITES && writes.every(w => w.byteLength === CONTEXT_WRITE_BYTES))
  assert.equal(encodeContext(vv, KEY, writes), s, 'only the canonical spelling decodes')
}

describe('causal context', () => {
  test('round trips, sorted, with one spelling per vector', () => {
    fc.assert(fc.property(vvArb, vv => {
      const s = encodeContext(vv, KEY)
      assert.match(s, /^[A-Za-z0-9_-]*$/)
      assert.deepEqual(decodeContext(s, KEY), sortVv(vv))
      assert.equal(encodeContext(sortVv(vv), KEY), s)
    }), { numRuns: 500 })
  })

  test('the empty vector is the empty string', () => {
    assert.equal(encodeContext([], KEY), '')
    assert.deepEqual(decodeContext('', KEY), [])
  })

  test('is compact for peer ids', () => {
    const s = encodeContext([[peerId, 12], [peerId.replace('Au', 'Av'), 3]], KEY)
    assert.ok(s.length < 170, `${s.length} chars`)
  })

  test('rejects malformed contexts with specific messages', () => {
    rejects('a b', /not base64url/)
    rejects('AQ=', /not base64url/)
    rejects('A', /length/)
    rejects(raw(4, ...TAG, 1, 1, 'a', 1), /unknown format version 4/)
    rejects(raw(3, ...TAG, 1, 1, 'a', 1), /truncated write count/)
    rejects(raw(3, ...TAG, 1, 1, 'a', 1, 0), /naming no writes must be in format 2/)
    rejects(raw(3, ...TAG, 1, 1, 'a', 1, 1, 7), /truncated write reference/)
    rejects(raw(3, ...TAG, 1, 1, 'a', 1, MAX_CONTEXT_WRITES + 1), /over 16/)
    rejects(raw(1, 1, 1, 'a', 1), /format 1 is not bound to a key/)
    rejects(raw(2, 1, 2, 3), /truncated key tag/)
    rejects(raw(2, ...TAG, 0), /empty vector/)
    rejects(raw(2, ...TAG), /truncated entry count/)
    rejects(raw(2, ...TAG, 1, 1, 'a'), /truncated counter/)
    rejects(raw(2, ...TAG, 1, 5, 'a'), /truncated actor/)
    rejects(raw(2, ...TAG, 1, 0, 1), /empty actor/)
    rejects(raw(2, ...TAG, 1, 1, 0xff, 1), /not UTF-8/)
    rejects(raw(2, ...TAG, 2, 1, 'b', 1, 1, 'a', 1), /sorted/)
    rejects(raw(2, ...TAG, 2, 1, 'a', 1, 1, 'a', 1), /sorted and unique/)
    rejects(raw(2, ...TAG, 1, 1, 'a', 1, 0), /trailing/)
    rejects(raw(2, ...TAG, 1, 1, 'a', 0x81, 0x00), /non-minimal counter/)
    // 2^53: one past the largest safe integer
    rejects(raw(2, ...TAG, 1, 1, 'a', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10), /counter out of range/)
    rejects(raw(2, ...TAG, 1, 1, 'a', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), /counter out of range/)
    rejects(raw(2, ...TAG, 0x81, 0x08), new RegExp(`1025 entries, over ${MAX_CONTEXT_ENTRIES}`))
    rejects(raw(2, ...TAG, 1, 0x81, 0x02, 'x'.repeat(257), 1), new RegExp(`over ${MAX_ACTOR_BYTES}`))
    rejects('A'.repeat(MAX_CONTEXT_CHARS + 1), /characters, over/)
    // 5 bytes take 7 characters with 2 bits unused: setting one gives a second spelling
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const s = encodeContext([['a', 1]], KEY)
    // 13 bytes take 18 characters with 4 bits unused
    assert.equal(s.length, 18)
    rejects(s.slice(0, -1) + alphabet[alphabet.indexOf(s[17]) + 1], /non-canonical/)
    assert.throws(() => decodeContext(42 as unknown as string, KEY), InvalidContextError)
  })

  test('a context is bound to its key: another key refuses it', () => {
    const s = encodeContext([['a', 1]], 'x')
    assert.deepEqual(decodeContext(s, 'x'), [['a', 1]])
    assert.throws(() => decodeContext(s, 'y'), (err: Error) => err instanceof InvalidContextError && /another key/.test(err.message))
    // the empty context covers nothing, so it is every key's
    assert.deepEqual(decodeContext('', 'y'), [])
  })

  test('format 3 names the writes a context covers; without any it is format 2', () => {
    const writes = [new Uint8Array(CONTEXT_WRITE_BYTES).fill(7), Uint8Array.from({ length: CONTEXT_WRITE_BYTES }, (_, i) => i)]
    const s = encodeContext([['a', 2], ['b', 1]], KEY, writes)
    assert.deepEqual(decodeContextWrites(s, KEY), { vector: [['a', 2], ['b', 1]], writes })
    // an old reader's view: the vector alone
    assert.deepEqual(decodeContext(s, KEY), [['a', 2], ['b', 1]])
    assert.equal(encodeContext([['a', 2]], KEY, []), encodeContext([['a', 2]], KEY))
    assert.deepEqual(decodeContextWrites(encodeContext([['a', 2]], KEY), KEY).writes, [])
    // the empty vector covers nothing: no writes to name
    assert.equal(encodeContext([], KEY, writes), '')
    assert.throws(() => decodeContextWrites(s, 'other'), InvalidContextError)
    assert.throws(() => encodeContext([['a', 1]], KEY, [new Uint8Array(3)]), RangeError)
    assert.throws(() => encodeContext([['a', 1]], KEY, Array.from({ length: MAX_CONTEXT_WRITES + 1 }, () => new Uint8Array(CONTEXT_WRITE_BYTES))), RangeError)
  })

  test('fuzz: format 3 contexts round trip, and their mutations decode or reject', () => {
    const writesArb = fc.array(fc.uint8Array({ minLength: CONTEXT_WRITE_BYTES, maxLength: CONTEXT_WRITE_BYTES }), { minLength: 1, maxLength: MAX_CONTEXT_WRITES })
    fc.assert(fc.property(vvArb.filter(vv => vv.length > 0), writesArb, fc.nat(), (vv, writes, at) => {
      const s = encodeContext(vv, KEY, writes)
      assert.deepEqual(decodeContextWrites(s, KEY), { vector: sortVv(vv), writes })
      decodesOrRejects(s.slice(0, at % (s.length + 1)))
    }), { numRuns: 300 })
  })

  test('the largest safe counter survives', () => {
    assert.deepEqual(decodeContext(encodeContext([['a', Number.MAX_SAFE_INTEGER]], KEY), KEY), [['a', Number.MAX_SAFE_INTEGER]])
  })

  test('encode refuses vectors it could not decode', () => {
    assert.throws(() => encodeContext([['a', 1], ['a', 2]], KEY), RangeError)
    assert.throws(() => encodeContext([['a', -1]], KEY), RangeError)
    assert.throws(() => encodeContext([['a', 1.5]], KEY), RangeError)
    assert.throws(() => encodeContext([['', 1]], KEY), RangeError)
    assert.throws(() => encodeContext([['\uD800', 1]], KEY), RangeError)
    assert.throws(() => encodeContext([['x'.repeat(MAX_ACTOR_BYTES + 1), 1]], KEY), RangeError)
  })

  test('fuzz: arbitrary strings decode to a valid vector or throw InvalidContextError', () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 64 }),
      fc.base64String({ maxLength: 64 })
    ), decodesOrRejects), { numRuns: 500 })
  })

  test('fuzz: truncated and mutated valid contexts', () => {
    fc.assert(fc.property(vvArb, fc.nat(), fc.nat(), fc.constantFrom(...'AQgw_-9z'), (vv, cut, at, ch) => {
      const s = encodeContext(vv, KEY)
      decodesOrRejects(s.slice(0, cut % (s.length + 1)))
      if (s.length > 0) {
        const i = at % s.length
        decodesOrRejects(s.slice(0, i) + ch + s.slice(i + 1))
        decodesOrRejects(s.slice(0, i) + s.slice(i + 1))
      }
    }), { numRuns: 500 })
  })

  test('fuzz: arbitrary byte strings behind a valid version byte', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 48 }), bytes => {
      decodesOrRejects(toString(Uint8Array.from([2, ...TAG, ...bytes]), 'base64url'))
    }), { numRuns: 500 })
  })
})
