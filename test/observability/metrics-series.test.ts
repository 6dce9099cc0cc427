/**
 * src/metrics.ts: a series is one series whatever order its labels were
 * given in, and the labels are rendered sorted by name.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MetricsRegistry } from '../../src/metrics.js'

test('labels in any order make one series, rendered sorted by name', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.constantFrom('type', 'outcome', 'op', 'peer', 'a', 'zone', 'b_c'), { minLength: 0, maxLength: 7 }), fc.integer({ min: 1, max: 5 }), (names, times) => {
    const m = new MetricsRegistry()
    const labels = Object.fromEntries(names.map(n => [n, `v-${n}`]))
    const reversed = Object.fromEntries([...names].reverse().map(n => [n, `v-${n}`]))
    for (let i = 0; i < times; i++) m.inc('meshkv_test_total', i % 2 === 0 ? labels : reversed)
    assert.equal(m.counter('meshkv_test_total', reversed), times)
    const line = m.render().split('\n').find(l => l.startsWith('meshkv_test_total'))
    const sorted = [...names].sort()
    const expected = sorted.length === 0 ? `meshkv_test_total ${times}` : `meshkv_test_total{${sorted.map(n => `${n}="v-${n}"`).join(',')}} ${times}`
    assert.equal(line, expected)
  }), { numRuns: 300 })
})
