/**
 * The collection rule on its own: the local record and each owner's answer.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { decide, expiredTombstone, locallyCollectable, newestWrite, onlyTombstones } from '../../src/tombstones/decision.js'
import { siblingEquals } from '../../src/store/record.js'
import { join, newSet, newWithContext, sync, update, updateWith } from '../../src/version/index.js'
import type { OwnerAnswer } from '../../src/tombstones/decision.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const put = (v: string, at: number): Sibling => ({ value: new TextEncoder().encode(v), timestamp: at })
const del = (at: number): Sibling => ({ value: null, timestamp: at })

/** v written at 100 by actor a, then deleted at 200 with a context covering it */
const written: KvRecord = update(newSet(put('v', 100)), 'a')
const deleted: KvRecord = updateWith(newWithContext(join(written), del(200)), written, 'a', siblingEquals)
const GRACE = 1000
const LATER = 200 + GRACE

describe('tombstone collection rule', () => {
  test('a record of deletes only, past its grace, with every owner holding it, is collected', () => {
    const answers: OwnerAnswer[] = [{ peer: 'b', found: true, record: deleted }, { peer: 'c', found: true, record: deleted }]
    assert.deepEqual(decide(deleted, answers, LATER, GRACE), { collect: true })
  })

  test('an owner with nothing (it collected, or never had the key) does not block', () => {
    assert.deepEqual(decide(deleted, [{ peer: 'b', found: false }, { peer: 'c', found: true, record: deleted }], LATER, GRACE), { collect: true })
  })

  test('an owner that missed the delete blocks it: it holds the old value', () => {
    const v = decide(deleted, [{ peer: 'b', found: true, record: written }, { peer: 'c', found: true, record: deleted }], LATER, GRACE)
    assert.deepEqual(v, { collect: false, reason: 'owner-live', peer: 'b' })
  })

  test('a silent owner blocks it: it may be the one that missed the delete', () => {
    const v = decide(deleted, [{ peer: 'b', failed: 'timeout' }, { peer: 'c', found: true, record: deleted }], LATER, GRACE)
    assert.deepEqual(v, { collect: false, reason: 'silent', peer: 'b' })
  })

  test('an owner with an older or concurrent delete blocks it (stale)', () => {
    const other = update(newSet(del(150)), 'b')
    const v = decide(deleted, [{ peer: 'b', found: true, record: other }], LATER, GRACE)
    assert.deepEqual(v, { collect: false, reason: 'stale', peer: 'b' })
  })

  test('an owner with a newer delete (descending ours) does not block', () => {
    const newer = updateWith(newWithContext(join(deleted), del(300)), deleted, 'b', siblingEquals)
    assert.deepEqual(decide(deleted, [{ peer: 'b', found: true, record: newer }], LATER, GRACE), { collect: true })
  })

  test('an owner with a newer value blocks it', () => {
    const rewritten = updateWith(newWithContext(join(deleted), put('w', 300)), deleted, 'b', siblingEquals)
    assert.equal(decide(deleted, [{ peer: 'b', found: true, record: rewritten }], LATER, GRACE).collect, false)
  })

  test('inside the grace period nothing is collected, whatever the owners say', () => {
    assert.deepEqual(decide(deleted, [], LATER - 1, GRACE), { collect: false, reason: 'young' })
  })

  test('a live sibling beside a delete (a blind delete) is never collected', () => {
    const blind = sync(written, update(newSet(del(200)), 'b'), siblingEquals)
    assert.equal(onlyTombstones(blind), false)
    assert.deepEqual(locallyCollectable(blind, LATER * 10, GRACE), { collect: false, reason: 'live' })
  })

  test('the age is of the newest delete among concurrent ones', () => {
    const both = sync(deleted, update(newSet(del(900)), 'b'), siblingEquals)
    assert.equal(newestWrite(both), 900)
    assert.equal(expiredTombstone(both, LATER, GRACE), false)
    assert.equal(expiredTombstone(both, 900 + GRACE, GRACE), true)
  })
})
