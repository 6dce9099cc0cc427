/**
 * Sloppy targets (Dynamo's "first N healthy nodes"): each owner that is down
 * is stood in for by the next healthy peer further along the same walk.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { RingPlacement, sloppyTargetsOf, walkLength } from '../../src/coordinator/placement.js'
import type { Health } from '../../src/coordinator/placement.js'
import type { Member } from '../../src/membership/view.js'

const member = (id: string, state: Member['state'] = 'up'): Member => ({ id, addrs: [], capacity: 1, incarnation: 1, seq: 1, state, since: 0, lastSeen: 0, self: false })

describe('sloppy targets', () => {
  test('a down owner is replaced by the next healthy peer of the walk, with a hint; a suspect one is kept', () => {
    const health = (p: string): Health => p === 'b' ? 'down' : p === 'c' ? 'suspect' : 'healthy'
    const out = sloppyTargetsOf(['a', 'b', 'c', 'd', 'e', 'f'], 3, health)
    assert.deepEqual(out.owners, ['a', 'b', 'c'])
    assert.deepEqual(out.targets, [{ peer: 'a' }, { peer: 'd', hintFor: 'b' }, { peer: 'c' }])
    assert.deepEqual(out.spares, ['e', 'f'])
  })

  test('too few healthy peers: fewer targets than owners', () => {
    const out = sloppyTargetsOf(['a', 'b', 'c', 'd'], 3, p => p === 'a' ? 'healthy' : 'down')
    assert.deepEqual(out.targets, [{ peer: 'a' }])
    assert.deepEqual(out.spares, [])
  })

  test('property: targets are distinct healthy-or-suspect peers, one per owner while stand-ins last, owners kept unless down, in walk order', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.constantFrom<Health>('healthy', 'suspect', 'down'), { minLength: 1, maxLength: 10 }), (n, states) => {
      const walk = states.map((_, i) => `p${i}`)
      const health = (p: string): Health => states[Number(p.slice(1))]
      const { owners, targets, spares } = sloppyTargetsOf(walk, n, health)
      assert.deepEqual(owners, walk.slice(0, n))
      const peers = targets.map(t => t.peer)
      assert.equal(new Set([...peers, ...spares]).size, peers.length + spares.length, 'distinct')
      for (const t of targets) assert.notEqual(health(t.peer), 'down')
      for (const p of spares) assert.notEqual(health(p), 'down')
      const upOwners = owners.filter(o => health(o) !== 'down')
      for (const o of upOwners) assert.ok(targets.some(t => t.peer === o && t.hintFor === undefined))
      const downOwners = owners.filter(o => health(o) === 'down')
      const healthyAfter = walk.slice(n).filter(p => health(p) !== 'down')
      assert.equal(targets.length, upOwners.length + Math.min(downOwners.length, healthyAfter.length))
      assert.deepEqual(targets.filter(t => t.hintFor !== undefined).map(t => t.peer), healthyAfter.slice(0, downOwners.length), 'stand-ins are the first healthy peers past the owners')
    }), { numRuns: 500 })
  })

  test('on a ring: the down owner keeps its place and the stand-in comes from a longer walk of which the owners are a prefix', () => {
    const members = ['a', 'b', 'c', 'd', 'e'].map(id => member(id))
    const states = new Map<string, Member['state']>([['c', 'down']])
    const placement = new RingPlacement('a', members, 16, p => states.get(p) === 'down' ? 'down' : 'healthy')
    for (let i = 0; i < 200; i++) {
      const key = `k${i}`
      const walk = placement.ring.preferenceList(key, walkLength(3))
      const { owners, targets } = placement.sloppyTargets(key, 3)
      assert.deepEqual(owners, walk.slice(0, 3))
      assert.deepEqual(owners, placement.preferenceList(key, 3))
      if (!owners.includes('c')) assert.deepEqual(targets.map(t => t.peer), owners)
      else assert.deepEqual(targets.find(t => t.hintFor === 'c')?.peer, walk[3])
    }
    assert.equal(placement.health('a'), 'healthy', 'self is healthy')
  })
})

test('a write is forwarded to healthy replicas before suspect ones, the order otherwise kept', async () => {
  const { healthyFirst } = await import('../../src/coordinator/placement.js')
  const health = (p: string): 'healthy' | 'suspect' | 'down' => p.startsWith('s') ? 'suspect' : 'healthy'
  assert.deepEqual(healthyFirst(['me', 's1', 'a', 's2', 'b'], health), ['me', 'a', 'b', 's1', 's2'])
  assert.deepEqual(healthyFirst(['s1', 's2'], health), ['s1', 's2'])
  assert.deepEqual(healthyFirst([], health), [])
})
