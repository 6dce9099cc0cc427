import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MembershipView } from '../../src/membership/view.js'
import type { HeartbeatInfo } from '../../src/membership/view.js'

const OPTS = { suspectTimeoutMs: 3000, staleAfterMs: 95_000, forgetAfterMs: 600_000, maxMembers: 16 }
const self: HeartbeatInfo = { id: 'self', addrs: [], capacity: 1, incarnation: 1, seq: 1, leaving: false }
const hb = (incarnation: number, seq: number, leaving = false): HeartbeatInfo => ({ id: 'peer', addrs: [], capacity: 1, incarnation, seq, leaving })

describe('MembershipView: announcements only move forward', () => {
  test('a replay of an older announcement of the same incarnation is ignored', () => {
    const v = new MembershipView(self, 0, OPTS)
    v.heard(hb(4, 10), 0)
    assert.equal(v.heard(hb(4, 9), 1000), false)
    assert.equal(v.get('peer')?.lastSeen, 0, 'a replay does not count as a sign of life')
    assert.equal(v.get('peer')?.seq, 10)
  })

  test('leaving is final for an incarnation: a late or replayed up (even with a higher sequence) does not revive it', () => {
    const v = new MembershipView(self, 0, OPTS)
    v.heard(hb(4, 10), 0)
    v.heard(hb(4, 11, true), 1)
    assert.equal(v.get('peer')?.state, 'leaving')
    assert.equal(v.heard(hb(4, 9), 2), false)
    assert.equal(v.heard(hb(4, 12), 3), false)
    assert.equal(v.get('peer')?.state, 'leaving')
    assert.equal(v.heard(hb(5, 1), 4), true, 'a restart (new incarnation) is up again')
    assert.equal(v.get('peer')?.state, 'up')
  })

  test('property: the applied (incarnation, seq) never goes back, and no up is applied after leaving within an incarnation', () => {
    fc.assert(fc.property(fc.array(fc.record({ inc: fc.integer({ min: 1, max: 4 }), seq: fc.integer({ min: 0, max: 20 }), leaving: fc.boolean() }), { maxLength: 60 }), (msgs) => {
      const v = new MembershipView(self, 0, OPTS)
      let prev: { inc: number, seq: number } | undefined
      let leftAt: number | undefined
      for (const [i, m] of msgs.entries()) {
        v.heard(hb(m.inc, m.seq, m.leaving), i)
        const now = v.get('peer')
        if (now === undefined) continue
        if (prev !== undefined) {
          assert.ok(now.incarnation > prev.inc || (now.incarnation === prev.inc && now.seq >= prev.seq))
        }
        if (leftAt !== undefined && now.incarnation === leftAt) assert.equal(now.state, 'leaving')
        if (now.state === 'leaving') leftAt = now.incarnation
        prev = { inc: now.incarnation, seq: now.seq }
      }
    }))
  })
})
