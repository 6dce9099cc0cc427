/**
 * The context codec against the one it replaced (test/version/context-reference.ts):
 * every vector, key and write list encodes to the same string (or fails the
 * same way), and every string, valid, mutated or random, decodes to the same
 * context or is refused with the same error.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { toString } from 'uint8arrays/to-string'
import { decodeContextWrites, encodeContext } from '../../src/version/index.js'
import { base64urlDecode, base64urlEncode } from '../../src/version/base64url.js'
import * as reference from './context-reference.js'
import type { VersionVector } from '../../src/version/index.js'

const RUNS = 2000
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

const keyArb = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('k', 'user1', ''))
const actorArb = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '0', '-', 'é', '😀', '中'), minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('12D3KooWGRUVh8Af2FzBvzVvTUKCTzvz9xXWdhM2hDpg5sQ3SdAu', '\uD800', 'a'.repeat(257))
)
const counterArb = fc.oneof(fc.maxSafeNat(), fc.nat(300), fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER + 2))
const vvArb: fc.Arbitrary<VersionVector> = fc.array(fc.tuple(actorArb, counterArb), { maxLength: 6 })
const writesArb = fc.array(fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ minLength: 24, maxLength: 24 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 18 })

type Outcome = { ok: unknown } | { error: string, name: string }

function outcome (f: () => unknown): Outcome {
  try {
    return { ok: f() }
  } catch (err) {
    return { error: (err as Error).message, name: (err as Error).constructor.name }
  }
}

test('encodeContext gives the reference encoder\'s string, or its error', () => {
  fc.assert(fc.property(vvArb, keyArb, writesArb, (vv, key, writes) => {
    assert.deepEqual(outcome(() => encodeContext(vv, key, writes)), outcome(() => reference.encodeContext(vv, key, writes)))
  }), { numRuns: RUNS })
})

/** Strings worth decoding: valid contexts of some key, the same mutated, and anything in (or near) the alphabet. */
// mostly of key 'k', the key every string is decoded for, so decoding gets past the key tag
const validArb = fc.tuple(fc.uniqueArray(fc.tuple(actorArb, fc.maxSafeNat()), { selector: e => e[0], maxLength: 5 }), fc.oneof({ weight: 3, arbitrary: fc.constant('k') }, { weight: 1, arbitrary: keyArb }), fc.array(fc.uint8Array({ minLength: 24, maxLength: 24 }), { maxLength: 16 }))
  .map(([vv, key, writes]) => {
    try { return reference.encodeContext(vv, key, writes) } catch { return '' }
  })
const mutatedArb = fc.tuple(validArb, fc.nat(), fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '\n', 'é'), fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'append'))
  .map(([s, at, c, how]) => {
    const i = s.length === 0 ? 0 : at % s.length
    if (how === 'replace') return s.slice(0, i) + c + s.slice(i + 1)
    if (how === 'insert') return s.slice(0, i) + c + s.slice(i)
    if (how === 'delete') return s.slice(0, i) + s.slice(i + 1)
    if (how === 'truncate') return s.slice(0, i)
    return s + c
  })
const bytesArb = fc.uint8Array({ maxLength: 120 }).map(b => toString(b, 'base64url'))
const stringArb = fc.oneof(validArb, mutatedArb, bytesArb,
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 60 }),
  fc.string({ maxLength: 30 }))

test('decodeContextWrites accepts what the reference decoder accepted, as the same context, and refuses the rest alike', () => {
  fc.assert(fc.property(stringArb, keyArb, fc.boolean(), (s, other, ownKey) => {
    const keys = ownKey ? ['k', other] : [other]
    for (const key of keys) {
      assert.deepEqual(outcome(() => decodeContextWrites(s, key)), outcome(() => reference.decodeContextWrites(s, key)), `${JSON.stringify(s)} for ${JSON.stringify(key)}`)
    }
  }), { numRuns: RUNS })
})

test('a context decodes for the key it was encoded for, as the reference decodes it', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.tuple(actorArb, fc.maxSafeNat()), { selector: e => e[0], minLength: 1, maxLength: 5 }), keyArb, fc.array(fc.uint8Array({ minLength: 24, maxLength: 24 }), { maxLength: 16 }), (vv, key, writes) => {
    const s = outcome(() => reference.encodeContext(vv, key, writes))
    if (!('ok' in s)) return
    assert.deepEqual(outcome(() => decodeContextWrites(s.ok as string, key)), outcome(() => reference.decodeContextWrites(s.ok as string, key)))
  }), { numRuns: RUNS })
})

test('base64url: the same spelling as the generic codec, and only canonical spellings decode', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
    const s = base64urlEncode(bytes)
    assert.equal(s, toString(bytes, 'base64url'))
    assert.deepEqual(base64urlDecode(s), bytes)
  }), { numRuns: RUNS })
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 }), s => {
    const decoded = base64urlDecode(s)
    if (typeof decoded === 'string') return
    assert.equal(base64urlEncode(decoded), s)
  }), { numRuns: RUNS })
  // long: one string of 53,334 characters
  const big = Uint8Array.from({ length: 40000 }, (_, i) => (i * 31) & 0xff)
  assert.equal(base64urlEncode(big), toString(big, 'base64url'))
})

test('encodeContext refuses a context over MAX_CONTEXT_CHARS exactly where the reference does', () => {
  // 256-byte actors: ~188 entries make 64 Ki characters; counters and
  // named writes move the size across the limit a byte at a time
  fc.assert(fc.property(fc.integer({ min: 180, max: 195 }), fc.array(fc.oneof(fc.nat(127), fc.maxSafeNat()), { minLength: 195, maxLength: 195 }), fc.nat(16), (entries, counters, nWrites) => {
    const vv: VersionVector = Array.from({ length: entries }, (_, i) => [i.toString().padStart(3, '0') + 'a'.repeat(253), counters[i]])
    const writes = Array.from({ length: nWrites }, (_, i) => new Uint8Array(24).fill(i))
    assert.deepEqual(outcome(() => encodeContext(vv, 'k', writes)), outcome(() => reference.encodeContext(vv, 'k', writes)))
  }), { numRuns: 300 })
})
