/**
 * Down members the view forgot stay owners for collection for the grace
 * period; members that left or were joining do not; the memory is bounded.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FormerMembers } from '../../src/tombstones/former-members.js'
import { ownersIn } from '../../src/tombstones/owners.js'
import type { Member, MemberState } from '../../src/membership/view.js'

const member = (id: string, state: MemberState): Member => ({ id, addrs: [], capacity: 1, incarnation: 1, seq: 1, state, since: 0, lastSeen: 0, self: id === 'a' })

test('a down member forgotten by the view is kept as a down owner for the grace period, then dropped', () => {
  const f = new FormerMembers(1_000, 10)
  f.observe([member('a', 'up'), member('b', 'up'), member('c', 'down')], 0)
  const later = f.observe([member('a', 'up'), member('b', 'up')], 100)
  assert.deepEqual(later.map(m => [m.id, m.state]), [['a', 'up'], ['b', 'up'], ['c', 'down']])
  // every key's owners include it again, as in the ring before it was forgotten
  assert.deepEqual(ownersIn(later, 'a', 16, 3)('some-key').sort(), ['a', 'b', 'c'])
  assert.deepEqual(f.observe([member('a', 'up'), member('b', 'up')], 1_099).map(m => m.id), ['a', 'b', 'c'])
  assert.deepEqual(f.observe([member('a', 'up'), member('b', 'up')], 1_100).map(m => m.id), ['a', 'b'])
})

test('a member that comes back is the view\'s again; leaving and joining members are not kept', () => {
  const f = new FormerMembers(1_000, 10)
  f.observe([member('a', 'up'), member('c', 'down'), member('l', 'leaving'), member('j', 'joining')], 0)
  assert.deepEqual(f.observe([member('a', 'up')], 10).map(m => m.id), ['a', 'c'])
  assert.deepEqual(f.observe([member('a', 'up'), member('c', 'up')], 20).map(m => [m.id, m.state]), [['a', 'up'], ['c', 'up']])
  assert.deepEqual(f.kept, [])
})

test('bounded: past max, the oldest forgotten go first', () => {
  const f = new FormerMembers(1_000_000, 2)
  f.observe(['a', 'x', 'y', 'z'].map(id => member(id, id === 'a' ? 'up' : 'down')), 0)
  f.observe([member('a', 'up'), member('y', 'down'), member('z', 'down')], 1)
  f.observe([member('a', 'up')], 2)
  assert.deepEqual(f.kept, ['y', 'z'])
})
