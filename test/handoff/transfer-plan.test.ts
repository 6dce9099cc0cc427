/**
 * planJoin: the arcs a joiner pulls are exactly the positions where it is a
 * replica in the ring with it added, each asked of the peers that hold it
 * in the current ring.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { allocateTokens, hash64, inRange, Ring } from '../../src/ring/index.js'
import { holderFor, planJoin } from '../../src/handoff/transfer-plan.js'

test('the planned arcs cover exactly the keys the joiner will hold, with their current holders', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1000 }), (peers, n, seed) => {
    const members = Array.from({ length: peers }, (_, i) => ({ id: `peer-${seed}-${i}`, capacity: 1 }))
    const current = new Ring(members, { tokensPerUnit: 16 })
    const joiner = { id: `joiner-${seed}`, capacity: 1 }
    const next = new Ring([...current.members(), { ...joiner, tokens: allocateTokens(current.members(), joiner, 16, n) }], { tokensPerUnit: 16 })
    const plans = planJoin(current, next, joiner.id, n)
    for (let k = 0; k < 300; k++) {
      const key = `key-${seed}-${k}`
      const p = hash64(key)
      const covering = plans.filter(pl => inRange(p, pl.arc))
      if (next.preferenceList(key, n).includes(joiner.id)) {
        assert.equal(covering.length, 1, `${key} in exactly one planned arc`)
        assert.deepEqual(covering[0].holders, current.preferenceList(key, n))
        assert.ok(covering[0].holders.includes(holderFor(covering[0], 0)))
      } else assert.equal(covering.length, 0, `${key} is not the joiner's`)
    }
  }), { numRuns: 60 })
})

test('a joiner to an empty ring has nothing to pull', () => {
  const next = new Ring([{ id: 'a', capacity: 1 }], { tokensPerUnit: 8 })
  assert.deepEqual(planJoin(new Ring([], { tokensPerUnit: 8 }), next, 'a', 3), [])
})
