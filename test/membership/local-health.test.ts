import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { LocalHealth } from '../../src/membership/local-health.js'

test('a healthy peer accuses at the configured threshold', () => {
  assert.equal(new LocalHealth().multiplier(), 1)
})

test('signs of its own slowness raise the threshold, bounded; healthy periods bring it back', () => {
  const h = new LocalHealth({ max: 3 })
  h.degraded()
  h.degraded()
  assert.equal(h.multiplier(), 3)
  for (let i = 0; i < 10; i++) h.degraded()
  assert.equal(h.value, 3, 'bounded by max')
  h.healthy()
  assert.equal(h.value, 2)
  for (let i = 0; i < 10; i++) h.healthy()
  assert.equal(h.multiplier(), 1, 'never below healthy')
})

test('property: over any history the score stays within [0, max] and equals a clamped walk', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.boolean(), { maxLength: 200 }), (max, steps) => {
    const h = new LocalHealth({ max })
    let model = 0
    for (const bad of steps) {
      if (bad) { h.degraded(); model = Math.min(max, model + 1) } else { h.healthy(); model = Math.max(0, model - 1) }
      assert.ok(h.value >= 0 && h.value <= max)
      assert.equal(h.value, model)
      assert.equal(h.multiplier(), 1 + model)
    }
  }))
})
