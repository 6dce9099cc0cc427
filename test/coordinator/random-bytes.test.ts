/**
 * src/coordinator/random-bytes.ts hands out bytes from a pool: no two
 * callers get the same bytes, and each gets a copy that no later draw (or
 * refill of the pool) overwrites.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { randomBytes } from '../../src/coordinator/random-bytes.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

test('property: draws of any sizes (pool refills and past-the-pool sizes included) are their own copies, never handed out twice', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(0, 1, 4, 16, 17, 1000, 4095, 4096, 4097, 9000), { minLength: 1, maxLength: 60 }), sizes => {
    const draws = sizes.map(n => {
      const b = randomBytes(n)
      return { b, copy: hex(b) }
    })
    for (const [i, { b }] of draws.entries()) {
      assert.equal(b.byteLength, sizes[i])
      // not a view of a pool a later draw refills
      assert.equal(b.buffer.byteLength, b.byteLength, 'a view of a shared buffer')
    }
    // more draws, then every earlier one still holds what it was given
    for (let i = 0; i < 300; i++) randomBytes(16)
    for (const { b, copy } of draws) assert.equal(hex(b), copy)
    // 16 random bytes or more repeated means the same bytes were handed out twice
    const long = draws.filter(d => d.b.byteLength >= 16).map(d => d.copy.slice(0, 32))
    assert.equal(new Set(long).size, long.length)
  }), { numRuns: 100 })
})

test('20,000 write ids (16 B) across many refills: all distinct', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 20_000; i++) seen.add(hex(randomBytes(16)))
  assert.equal(seen.size, 20_000)
})
