import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { watchSet } from '../../src/membership/watch-set.js'

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `peer-${String(i).padStart(4, '0')}`)

test('bounded: at most 2 * neighbours + random others, never self, whatever the cluster size', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 1000 }), (n, epoch) => {
    const all = ids(n)
    const self = all[epoch % n]
    const w = watchSet(self, all, epoch, { neighbours: 2, random: 3 })
    assert.ok(!w.includes(self))
    assert.equal(new Set(w).size, w.length)
    assert.equal(w.length, Math.min(n - 1, 7))
  }))
})

test('symmetric neighbourhoods: every member is watched by its ring neighbours', () => {
  const all = ids(50)
  const watchers = new Map<string, number>()
  for (const self of all) for (const id of watchSet(self, all, 0, { neighbours: 2, random: 0 })) watchers.set(id, (watchers.get(id) ?? 0) + 1)
  assert.ok(all.every(id => watchers.get(id) === 4))
})

test('the random part changes with the epoch; the neighbours do not', () => {
  const all = ids(100)
  const a = watchSet(all[10], all, 1)
  const b = watchSet(all[10], all, 2)
  assert.deepEqual(a.slice(0, 4).sort(), b.slice(0, 4).sort())
  assert.notDeepEqual(a.slice(4).sort(), b.slice(4).sort())
})

test('with a pool, the random part comes only from it (the members kept connected), the neighbours from the whole ring', () => {
  fc.assert(fc.property(fc.integer({ min: 12, max: 300 }), fc.integer({ min: 0, max: 1000 }), (n, epoch) => {
    const all = ids(n)
    const self = all[epoch % n]
    const pool = all.filter((_, i) => i % 7 === 3)
    const neighbours = watchSet(self, all, epoch, { neighbours: 2, random: 0 })
    const w = watchSet(self, all, epoch, { neighbours: 2, random: 3 }, pool)
    assert.deepEqual(w.slice(0, neighbours.length), neighbours)
    for (const id of w.slice(neighbours.length)) assert.ok(pool.includes(id), `${id} is in the pool`)
    assert.ok(!w.includes(self))
  }))
  const all = ids(100)
  assert.deepEqual(watchSet(all[0], all, 5, { neighbours: 2, random: 3 }, []), watchSet(all[0], all, 5, { neighbours: 2, random: 0 }), 'an empty pool: neighbours only')
})
