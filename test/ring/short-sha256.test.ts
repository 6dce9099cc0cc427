/**
 * The one-block SHA-256 of ring positions against the general hash it
 * stands in for (@noble/hashes): the same first 8 bytes for every message
 * that fits one block, at every length up to the block's end, and
 * hash64Parts the same as before for keys of any length.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import { SHORT_SHA256_BYTES, shortSha256Prefix } from '../../src/ring/short-sha256.js'
import { hash64Parts } from '../../src/ring/hash.js'

const encoder = new TextEncoder()

/** hash64Parts as it was: the first 8 bytes of the general SHA-256 */
function reference (data: string | Uint8Array): [number, number] {
  const d = sha256(typeof data === 'string' ? encoder.encode(data) : data)
  return [((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0, ((d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]) >>> 0]
}

test('shortSha256Prefix is the first 8 bytes of SHA-256 for every one-block message', () => {
  // every length, each with bytes that set every bit somewhere
  for (let len = 0; len <= SHORT_SHA256_BYTES; len++) {
    for (const fill of [0x00, 0xff, 0x80, 0x01]) {
      const bytes = new Uint8Array(len).fill(fill)
      assert.deepEqual(shortSha256Prefix(bytes), reference(bytes), `length ${len}, fill ${fill}`)
    }
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: SHORT_SHA256_BYTES }), bytes => {
    assert.deepEqual(shortSha256Prefix(bytes), reference(bytes))
  }), { numRuns: 5000 })
  // the known digest of "abc" (FIPS 180-4's example): ba7816bf 8f01cfea
  assert.deepEqual(shortSha256Prefix(encoder.encode('abc')), [0xba7816bf, 0x8f01cfea])
  assert.throws(() => shortSha256Prefix(new Uint8Array(SHORT_SHA256_BYTES + 1)), RangeError)
})

test('hash64Parts gives the position it gave before, for keys and bytes of any length', () => {
  fc.assert(fc.property(fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom('a', 'é', '中', '😀'), maxLength: 30 }),
    fc.uint8Array({ maxLength: 130 })
  ), data => {
    assert.deepEqual(hash64Parts(data), reference(data))
  }), { numRuns: 5000 })
  // around the one-block limit, in UTF-8 bytes
  for (let n = 50; n <= 60; n++) assert.deepEqual(hash64Parts('k'.repeat(n)), reference('k'.repeat(n)))
  assert.deepEqual(hash64Parts('é'.repeat(27) + 'a'), reference('é'.repeat(27) + 'a'))
  assert.deepEqual(hash64Parts('é'.repeat(28)), reference('é'.repeat(28)))
})
