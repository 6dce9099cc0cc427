import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Ring, allocateTokens, tokensFor } from '../../src/ring/index.js'
import type { RingMember } from '../../src/ring/index.js'

const TWO_64 = 1n << 64n

/** Per member: ring share over capacity share (1 is fair). */
function fairness (members: RingMember[], tokensPerUnit: number): Map<string, number> {
  const own = new Ring(members, { tokensPerUnit }).ownership()
  const total = members.reduce((a, m) => a + m.capacity, 0)
  return new Map(members.map(m => [m.id, (own.get(m.id) ?? 0) / (m.capacity / total)]))
}

function join (members: RingMember[], id: string, capacity: number, tokensPerUnit: number): RingMember[] {
  return [...members, { id, capacity, tokens: allocateTokens(members, { id, capacity }, tokensPerUnit) }]
}

const capacityArb = fc.constantFrom(0.5, 1, 2, 4)
const tokensPerUnitArb = fc.constantFrom(16, 32, 128)

describe('allocateTokens', () => {
  test('the same inputs give the same tokens, whatever the order of the existing members', () => {
    fc.assert(fc.property(fc.array(capacityArb, { minLength: 0, maxLength: 8 }), capacityArb, tokensPerUnitArb, (caps, capacity, tpu) => {
      let members: RingMember[] = []
      caps.forEach((c, i) => { members = join(members, `m${i}`, c, tpu) })
      const a = allocateTokens(members, { id: 'joiner', capacity }, tpu)
      const b = allocateTokens([...members].reverse(), { id: 'joiner', capacity }, tpu)
      assert.deepEqual(a, b)
      assert.equal(a.length, Math.max(1, Math.round(capacity * tpu)))
      assert.equal(new Set(a).size, a.length, 'distinct')
      const taken = new Set(members.flatMap(m => [...(m.tokens ?? [])]))
      for (const t of a) {
        assert.ok(t >= 0n && t < TWO_64)
        assert.ok(!taken.has(t), 'no position already held')
      }
    }), { numRuns: 60 })
  })

  test('members that derive their tokens count as those tokens; an entry with the joiner\'s id is left out', () => {
    const derived: RingMember[] = ['a', 'b', 'c'].map(id => ({ id, capacity: 1 }))
    const announced = derived.map(m => ({ ...m, tokens: tokensFor(m, 64) }))
    const a = allocateTokens(derived, { id: 'new', capacity: 1 }, 64)
    assert.deepEqual(allocateTokens(announced, { id: 'new', capacity: 1 }, 64), a)
    assert.deepEqual(allocateTokens([...derived, { id: 'new', capacity: 3, tokens: [1n] }], { id: 'new', capacity: 1 }, 64), a)
  })

  test('the first member spreads its tokens evenly; capacity sets the count', () => {
    const t = allocateTokens([], { id: 'first', capacity: 1 }, 4)
    assert.equal(t.length, 4)
    for (let i = 0; i < 4; i++) assert.equal((t[(i + 1) % 4] - t[i] + TWO_64) % TWO_64, TWO_64 / 4n)
    assert.equal(allocateTokens([], { id: 'tiny', capacity: 0.001 }, 128).length, 1)
    assert.equal(allocateTokens([{ id: 'x', capacity: 1 }], { id: 'big', capacity: 2.5 }, 128).length, 320)
    for (const capacity of [0, -1, NaN, Infinity, 1e6]) {
      assert.throws(() => allocateTokens([], { id: 'bad', capacity }, 128), RangeError)
    }
  })

  // The bound is max/mean <= 1.10. The least loaded can sit lower at
  // 16 tokens a unit: a member of capacity 0.5 has 8 tokens, and one cut
  // from it is an eighth of its share.
  test('over sequential joins: no member over 1.10 of its capacity share (none under 0.85), the joiner taking its share and no more', () => {
    fc.assert(fc.property(fc.array(capacityArb, { minLength: 2, maxLength: 24 }), tokensPerUnitArb, (caps, tpu) => {
      let members: RingMember[] = []
      caps.forEach((c, i) => {
        const before = members.length > 0 ? new Ring(members, { tokensPerUnit: tpu }) : undefined
        members = join(members, `m${i}`, c, tpu)
        if (before === undefined) return
        const f = fairness(members, tpu)
        for (const [id, x] of f) assert.ok(x <= 1.10 && x >= 0.85, `${members.length} members, ${tpu} tokens/unit: ${id} has ${x.toFixed(3)} of its share`)
        // keys move only to the joiner: its share is what moved, at most 1.1x of fair
        const after = new Ring(members, { tokensPerUnit: tpu })
        for (let k = 0; k < 200; k++) {
          const [was] = before.preferenceList(`key-${k}`, 1)
          const [now] = after.preferenceList(`key-${k}`, 1)
          assert.ok(now === was || now === `m${i}`)
        }
      })
    }), { numRuns: 40 })
  })

  test('over random joins and leaves: a join never leaves the ring worse than max(1.10, before) and the joiner gets its share', () => {
    const event = fc.oneof(fc.record({ leave: fc.nat() }), fc.record({ capacity: capacityArb }))
    fc.assert(fc.property(fc.array(event, { minLength: 3, maxLength: 30 }), tokensPerUnitArb, (events, tpu) => {
      let members: RingMember[] = []
      let worst = 1
      events.forEach((e, i) => {
        if ('leave' in e) {
          if (members.length < 2) return
          members = members.filter((_, j) => j !== e.leave % members.length)
          worst = Math.max(...fairness(members, tpu).values())
          return
        }
        members = join(members, `m${i}`, e.capacity, tpu)
        if (members.length < 2) return
        const f = fairness(members, tpu)
        const max = Math.max(...f.values())
        assert.ok(max <= Math.max(1.10, worst) + 1e-9, `after a join ${max.toFixed(3)}, before ${worst.toFixed(3)}`)
        assert.ok(Math.abs((f.get(`m${i}`) ?? 0) - 1) < 0.1, 'the joiner takes its fair share')
        worst = max
      })
    }), { numRuns: 60 })
  })
})

describe('allocateTokens with zones', () => {
  test('with exactly n zones, joiners even out their own zone\'s ring, so each zone splits its replica of every key evenly', () => {
    fc.assert(fc.property(fc.array(capacityArb, { minLength: 4, maxLength: 18 }), tokensPerUnitArb, (caps, tpu) => {
      let members: RingMember[] = []
      caps.forEach((capacity, i) => {
        const joiner = { id: `m${i}`, capacity, zone: `z${i % 3}` }
        members = [...members, { ...joiner, tokens: allocateTokens(members, joiner, tpu, 3) }]
        for (const zone of ['z0', 'z1', 'z2']) {
          const mates = members.filter(m => m.zone === zone)
          if (mates.length < 2) continue
          for (const [id, x] of fairness(mates, tpu)) assert.ok(x <= 1.10, `${zone}: ${id} has ${x.toFixed(3)} of its share of the zone`)
        }
      })
    }), { numRuns: 30 })
  })

  test('with a zone count other than n, the whole ring is evened out, as for a joiner without a zone', () => {
    let members: RingMember[] = []
    for (let i = 0; i < 8; i++) {
      const joiner = { id: `m${i}`, capacity: 1, zone: `z${i % 2}` }
      const tokens = allocateTokens(members, joiner, 32, 3)
      assert.deepEqual(tokens, allocateTokens(members, { id: joiner.id, capacity: 1 }, 32, 3))
      members = [...members, { ...joiner, tokens }]
    }
    // the same ring with n = 2 zones evens out each zone instead
    const last = { id: 'm8', capacity: 1, zone: 'z0' }
    assert.notDeepEqual(allocateTokens(members, last, 32, 2), allocateTokens(members, last, 32, 3))
  })
})
