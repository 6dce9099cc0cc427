import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { PhiAccrualDetector } from '../../src/membership/phi.js'

const history = fc.array(fc.double({ min: 1, max: 5000, noNaN: true }), { maxLength: 300 })

function fed (period: number, intervals: number[]): { d: PhiAccrualDetector, last: number } {
  const d = new PhiAccrualDetector(0, { firstIntervalMs: period, windowSize: 50 })
  let t = 0
  for (const i of intervals) d.heartbeat(t += i)
  return { d, last: t }
}

test('property: phi never decreases while no heartbeat arrives, and is never NaN or negative', () => {
  fc.assert(fc.property(history, fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 2, maxLength: 20 }), (intervals, later) => {
    const { d, last } = fed(1000, intervals)
    let prev = -1
    for (const dt of [...later].sort((a, b) => a - b)) {
      const phi = d.phi(last + dt)
      assert.ok(!Number.isNaN(phi) && phi >= 0, `phi ${phi}`)
      assert.ok(phi >= prev, `phi went from ${prev} to ${phi}`)
      prev = phi
    }
  }))
})

test('property: memory is bounded by the window, whatever the history', () => {
  fc.assert(fc.property(history, (intervals) => {
    assert.ok(fed(1000, intervals).d.samples <= 50)
  }))
})

test('property: on regular heartbeats a peer on time is far below 8, one silent for ten periods far above', () => {
  fc.assert(fc.property(fc.integer({ min: 10, max: 10_000 }), fc.integer({ min: 3, max: 200 }), fc.double({ min: 0, max: 0.1, noNaN: true }), (period, beats, jitter) => {
    const { d, last } = fed(period, Array.from({ length: beats }, (_, i) => period * (1 + (i % 2 === 0 ? jitter : -jitter))))
    assert.ok(d.phi(last + period) < 1, `on time: ${d.phi(last + period)}`)
    assert.ok(d.phi(last + 10 * period) > 8, `ten periods late: ${d.phi(last + 10 * period)}`)
  }))
})

test('a clock that goes back is ignored: an earlier heartbeat neither resets nor corrupts the detector', () => {
  const { d, last } = fed(1000, [1000, 1000, 1000])
  const before = d.phi(last + 5000)
  d.heartbeat(last - 100_000)
  assert.equal(d.lastHeartbeat, last)
  assert.equal(d.phi(last + 5000), before)
})
