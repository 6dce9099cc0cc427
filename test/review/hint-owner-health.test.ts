/**
 * Hints go only to owners that hold ring positions: a leaving owner is
 * "healthy" to the placement (it answers, it may stand in), but a hint
 * delivered to it after its leave's last push leaves with it, and the
 * stand-in then drops its own copy: the write is gone from that slot.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { healthFromState } from '../../src/coordinator/placement.js'
import { hintOwnerHealth } from '../../src/handoff/hint-delivery.js'

test('a leaving, joining, left or unknown owner takes no hints; up and suspect ones do', () => {
  // the defect: the delivery used the placement's health, which calls a leaving peer healthy
  assert.equal(healthFromState('leaving'), 'healthy')
  assert.equal(hintOwnerHealth({ state: 'leaving' }), 'down')
  assert.equal(hintOwnerHealth({ state: 'joining' }), 'down')
  assert.equal(hintOwnerHealth({ state: 'down', left: true }), 'down')
  assert.equal(hintOwnerHealth(undefined), 'down')
  assert.equal(hintOwnerHealth({ state: 'down' }), 'down')
  assert.equal(hintOwnerHealth({ state: 'up' }), 'healthy')
  assert.equal(hintOwnerHealth({ state: 'suspect' }), 'suspect')
})
