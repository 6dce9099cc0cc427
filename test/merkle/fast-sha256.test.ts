/**
 * src/fast-sha256.ts: Node's native SHA-256 and @noble/hashes give the same
 * digest at every length, on both sides of the native threshold, for Buffers
 * and views into larger buffers alike; a record's digest is the same through
 * either (peers, browsers among them, compare digests).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { sha256 as noble } from '@noble/hashes/sha2.js'
import { sha256 } from '../../src/fast-sha256.js'
import { recordDigest } from '../../src/merkle/digest.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

test('the same digest as @noble/hashes for any bytes, plain, Buffer or a view at an offset', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat({ max: 7 }), (bytes, offset) => {
    const host = new Uint8Array(bytes.byteLength + offset)
    host.set(bytes, offset)
    const view = host.subarray(offset)
    const want = hex(noble(bytes))
    assert.equal(hex(sha256(bytes)), want)
    assert.equal(hex(sha256(view)), want)
    assert.equal(hex(sha256(Buffer.from(bytes))), want)
    assert.equal(sha256(bytes).constructor, Uint8Array)
  }), { numRuns: 300 })
})

test('a record digested with the native hash is the digest of the default one', () => {
  const value = new Uint8Array(1000).fill(7)
  const record = { entries: [{ actor: 'peer-a.1', counter: 3, values: [{ value, timestamp: 1_700_000_000_000 }] }], anonymous: [] }
  assert.equal(hex(recordDigest(record, sha256)), hex(recordDigest(record)))
})
