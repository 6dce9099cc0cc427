import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Ring, hash64, inRange } from '../../src/ring/index.js'

describe('Ring.ranges', () => {
  test('every key falls in exactly one arc, whose replicas are its preference list', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 16 }),
      fc.boolean(),
      fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 40 }),
      (peers, n, tokensPerUnit, zoned, keys) => {
        const members = Array.from({ length: peers }, (_, i) => ({ id: `peer-${i}`, capacity: 1 + (i % 3), zone: zoned ? `z${i % 2}` : undefined }))
        const ring = new Ring(members, { tokensPerUnit })
        const ranges = ring.ranges(n)
        assert.ok(ranges.length >= 1)
        for (const key of keys) {
          const p = hash64(key)
          const hits = ranges.filter(r => inRange(p, r))
          assert.equal(hits.length, 1, `key ${JSON.stringify(key)} in ${hits.length} arcs`)
          assert.deepEqual(hits[0].replicas, ring.preferenceList(key, n))
        }
      }), { numRuns: 150 })
  })

  test('a lone member holds the whole ring; an empty ring has no arcs', () => {
    const ring = new Ring([{ id: 'a', capacity: 1 }], { tokensPerUnit: 4 })
    const ranges = ring.ranges(3)
    assert.equal(ranges.length, 1)
    assert.equal(ranges[0].start, ranges[0].end)
    assert.deepEqual(ranges[0].replicas, ['a'])
    assert.deepEqual(new Ring([]).ranges(3), [])
  })

  test('inRange wraps past the top', () => {
    const top = (1n << 64n) - 1n
    assert.equal(inRange(5n, { start: top - 1n, end: 10n }), true)
    assert.equal(inRange(top, { start: top - 1n, end: 10n }), true)
    assert.equal(inRange(top - 1n, { start: top - 1n, end: 10n }), false)
    assert.equal(inRange(11n, { start: top - 1n, end: 10n }), false)
    assert.equal(inRange(10n, { start: 3n, end: 10n }), true)
    assert.equal(inRange(3n, { start: 3n, end: 10n }), false)
  })
})
