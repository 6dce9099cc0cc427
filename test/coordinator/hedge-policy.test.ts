/**
 * The hedge policy: an adaptive delay, a stuck replica tried last once it
 * was seen silent, free hedges away from it, and a budget that bounds
 * hedging when every replica is slow.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HedgePolicy } from '../../src/coordinator/hedge-policy.js'
import { HEDGE_MIN_MS } from '../../src/constants.js'

test('the delay follows the latency seen, within its floor and an even share of the deadline', () => {
  const p = new HedgePolicy()
  assert.equal(p.delay(5000, 3), HEDGE_MIN_MS)
  for (let i = 0; i < 50; i++) p.succeeded('a', 200 + (i % 2) * 100)
  const d = p.delay(5000, 3)
  assert.ok(d > 250 && d < 1000, `${d}`)
  assert.equal(p.delay(600, 3), 200, 'never more than a share of the deadline')
})

test('a replica seen silent goes last for later writes; an answer clears it', () => {
  const p = new HedgePolicy()
  assert.deepEqual(p.order(['x', 'y', 'z'], 'me'), ['x', 'y', 'z'])
  assert.equal(p.mayHedge('x', 'y', 0), true)
  assert.deepEqual(p.order(['x', 'y', 'z'], 'me', 1), ['y', 'z', 'x'])
  assert.deepEqual(p.order(['x', 'me', 'z'], 'me', 1), ['me', 'z', 'x'], 'this peer stays first when it is a replica')
  p.succeeded('x', 5)
  assert.deepEqual(p.order(['x', 'y', 'z'], 'me', 2), ['x', 'y', 'z'])
})

test('hedging away from a slow replica is free; towards a slow one it takes from a bounded budget', () => {
  const p = new HedgePolicy()
  // one stuck replica: every write may move away from it
  for (let i = 0; i < 100; i++) assert.equal(p.mayHedge('stuck', 'fine', i), true)
  // every replica slow (load): hedges run out
  let allowed = 0
  for (let i = 0; i < 100; i++) {
    if (p.mayHedge(`r${i % 3}`, `r${(i + 1) % 3}`, 1000 + i)) allowed++
  }
  // the first two are free (their targets were not yet marked), then the saved budget of 10
  assert.ok(allowed <= 12, `${allowed} hedges while every replica was slow`)
  // the budget refills with writes: about one in ten
  for (let i = 0; i < 100; i++) p.succeeded('other', 5)
  let more = 0
  for (let i = 0; i < 100; i++) {
    if (p.mayHedge(`r${i % 3}`, `r${(i + 1) % 3}`, 2000 + i)) more++
  }
  assert.ok(more >= 9 && more <= 11, `${more}`)
})
