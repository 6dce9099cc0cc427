/**
 * Collection asks a key's former owners too: a replica that missed a delete
 * while down and lost the key to a joiner still holds the old value, and
 * its handover would push it back to owners that collected the delete.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OwnerHistory, ownersIn } from '../../src/tombstones/owners.js'
import type { Member, MemberState } from '../../src/membership/view.js'

const member = (id: string, state: MemberState): Member => ({ id, addrs: [], capacity: 1, incarnation: 1, seq: 1, state, since: 0, lastSeen: 0, self: id === 'a' })
const before = ['a', 'b', 'c', 'd'].map(id => member(id, id === 'c' ? 'down' : 'up'))
const after = [...before, member('e', 'up')]

/** a key that c owned before e joined and does not after */
function movedKey (): string {
  for (let i = 0; i < 10_000; i++) {
    const key = `k${i}`
    if (ownersIn(before, 'a', 16, 3)(key).includes('c') && !ownersIn(after, 'a', 16, 3)(key).includes('c')) return key
  }
  throw new Error('no key moved off c')
}

test('after a join, the owners of a moved key still include its former owner (down, it missed the delete), for keepMs', () => {
  const key = movedKey()
  // the defect: the view of now alone forgets c, so the others collect and c brings the value back
  assert.ok(!ownersIn(after, 'a', 16, 3)(key).includes('c'))
  const h = new OwnerHistory(1_000, 8)
  h.observe(before, 16, 0)
  h.observe(after, 16, 10)
  const owners = h.owners(after, 3)(key)
  assert.ok(owners.includes('c'), 'the former owner is asked')
  assert.ok(owners.includes('e'), 'the new owner is asked')
  assert.deepEqual(owners.slice(0, 3), ownersIn(after, 'a', 16, 3)(key), 'the owners of now first')
  // past keepMs only the ring of now counts
  h.observe(after, 16, 1_010)
  assert.deepEqual(h.owners(after, 3)(key), ownersIn(after, 'a', 16, 3)(key))
})

test('a former owner gone from the view (it left, pushing its keys) is not asked; the memory is bounded', () => {
  const key = movedKey()
  const h = new OwnerHistory(1_000, 1)
  h.observe(before, 16, 0)
  h.observe(after, 16, 1)
  const withoutC = after.filter(m => m.id !== 'c')
  assert.ok(!h.owners(withoutC, 3)(key).includes('c'))
  // a third ring pushes the first out (max 1)
  h.observe([...after, member('f', 'up')], 16, 2)
  h.observe([...after, member('f', 'up'), member('g', 'up')], 16, 3)
  assert.ok(!h.owners(after, 3)(key).includes('c') || ownersIn([...after, member('f', 'up')], 'a', 16, 3)(key).includes('c'))
})

test('a member that left (down after leaving) owns nothing for collection, now or once forgotten: it pushed its keys away', async () => {
  const { FormerMembers } = await import('../../src/tombstones/former-members.js')
  const left: Member = { ...member('c', 'down'), left: true }
  const view = [member('a', 'up'), member('b', 'up'), left, member('d', 'up')]
  for (let i = 0; i < 50; i++) assert.ok(!ownersIn(view, 'a', 16, 3)(`k${i}`).includes('c'), 'not an owner while remembered')
  const f = new FormerMembers(1_000, 10)
  f.observe(view, 0)
  const forgotten = f.observe(view.filter(m => m.id !== 'c'), 10)
  assert.deepEqual(forgotten.map(m => m.id), ['a', 'b', 'd'], 'not kept as a former down owner once forgotten')
})
