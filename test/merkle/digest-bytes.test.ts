/**
 * The record digest and the key leaf, made with buffers sized up front and
 * through any SHA-256 (Node's one-shot hash, @noble/hashes), are the bytes
 * the previous code gave (test/merkle/digest-reference.ts): peers of both
 * versions compare them in every exchange.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { leafHash, recordDigest } from '../../src/merkle/digest.js'
import { MerkleIndex } from '../../src/merkle/merkle-index.js'
import { sha256 } from '../../src/fast-sha256.js'
import { referenceLeafHash, referenceRecordDigest } from './digest-reference.js'
import type { DigestSibling } from '../../src/merkle/digest.js'
import type { DvvSet } from '../../src/version/types.js'

const hex = (b: Uint8Array | Uint32Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

const sibling: fc.Arbitrary<DigestSibling> = fc.record({
  value: fc.option(fc.uint8Array({ maxLength: 1500 }), { nil: null, freq: 4 }),
  timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double()),
  writeId: fc.uint8Array({ minLength: 16, maxLength: 16 })
}, { requiredKeys: ['value', 'timestamp'] })
const record: fc.Arbitrary<DvvSet<DigestSibling>> = fc.record({
  entries: fc.array(fc.record({ actor: fc.string({ unit: 'binary', maxLength: 60 }), counter: fc.nat(), values: fc.array(sibling, { maxLength: 3 }) }), { maxLength: 4 }),
  // duplicates included: the digest takes anonymous values as a set
  anonymous: fc.array(sibling, { maxLength: 4 }).chain(xs => fc.constant([...xs, ...xs.slice(0, 1)]))
})

test('a record digest is the bytes the previous code gave, with either hash', () => {
  fc.assert(fc.property(record, r => {
    const want = hex(referenceRecordDigest(r))
    assert.equal(hex(recordDigest(r)), want)
    assert.equal(hex(recordDigest(r, sha256)), want)
  }), { numRuns: 500 })
})

test('a key leaf is the bytes the previous code gave, with either hash', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (key, digest) => {
    const want = hex(referenceLeafHash(key, digest))
    assert.equal(hex(leafHash(key, digest)), want)
    assert.equal(hex(leafHash(key, digest, sha256)), want)
  }), { numRuns: 500 })
})

test('an index hashing its leaves natively gives every arc the hash of the default one', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.uint8Array({ minLength: 16, maxLength: 16 })), { maxLength: 40 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (pairs, start, end) => {
    const plain = new MerkleIndex({ bucketBits: 4 })
    const native = new MerkleIndex({ bucketBits: 4, hash: sha256 })
    for (const [k, d] of pairs) { plain.set(k, d); native.set(k, d) }
    const a = plain.summary({ start, end })
    const b = native.summary({ start, end })
    assert.equal(b.count, a.count)
    assert.equal(hex(b.hash), hex(a.hash))
  }), { numRuns: 200 })
})
