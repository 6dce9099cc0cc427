import { test } from 'node:test'
import assert from 'node:assert/strict'
import { descends, mergeVectors, compareVectors } from '../../src/version/index.js'

test('descends treats missing actors as 0', () => {
  assert.ok(descends([['a', 2], ['b', 1]], [['a', 1]]))
  assert.ok(descends([['a', 1]], []))
  assert.ok(descends([], [['a', 0]]))
  assert.ok(!descends([['a', 1]], [['b', 1]]))
  assert.ok(!descends([['a', 1]], [['a', 2]]))
})

test('mergeVectors is the sorted pointwise max', () => {
  assert.deepEqual(mergeVectors([['b', 1], ['a', 3]], [['c', 2], ['b', 4]]), [['a', 3], ['b', 4], ['c', 2]])
  assert.deepEqual(mergeVectors([], []), [])
})

test('compareVectors', () => {
  assert.equal(compareVectors([['a', 1]], [['a', 1]]), 'equal')
  assert.equal(compareVectors([], []), 'equal')
  assert.equal(compareVectors([['a', 1]], [['a', 2]]), 'before')
  assert.equal(compareVectors([['a', 1], ['b', 1]], [['a', 1]]), 'after')
  assert.equal(compareVectors([['a', 1]], [['b', 1]]), 'concurrent')
})

test('sortByActor orders in place as Array.prototype.sort does, at any length', async () => {
  const { default: fc } = await import('fast-check')
  const { sortByActor, compareActors } = await import('../../src/version/vector.js')
  fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.nat()), { maxLength: 40 }), vv => {
    const expected = [...vv].sort((x, y) => compareActors(x[0], y[0]))
    const copy = [...vv]
    const out = sortByActor(copy)
    assert.equal(out, copy)
    // the same order; entries of one actor keep their order (both sorts are stable)
    assert.deepEqual(out, expected)
  }), { numRuns: 1000 })
})
