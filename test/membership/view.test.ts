import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { holdsPositions, MembershipView } from '../../src/membership/view.js'
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

describe('MembershipView: a down member keeps its ring positions until it is forgotten', () => {
  const ringOf = (v: MembershipView): string[] => v.all().filter(m => holdsPositions(m)).map(m => m.id)

  test('up, suspect and down hold positions; going down and coming back are reported as changes; forgetting takes it out', () => {
    const v = new MembershipView(self, 0, OPTS)
    v.heard(hb(1, 1), 0)
    assert.equal(v.report({ subject: 'peer', incarnation: 1, seq: 1, state: 'suspect' }, 10), false, 'suspect: nothing the ring or the placement sees')
    assert.equal(v.report({ subject: 'peer', incarnation: 1, seq: 1, state: 'down' }, 20), true, 'down: the placement\'s health changed')
    assert.deepEqual(ringOf(v), ['peer', 'self'], 'a down member is still in the ring')
    assert.equal(v.heard(hb(2, 1), 30), true, 'back up: health changed')
    assert.equal(v.get('peer')?.state, 'up')
    // silent past staleAfterMs: down, still in the ring; past forgetAfterMs: gone
    assert.equal(v.expire(30 + OPTS.staleAfterMs + 1), true)
    assert.deepEqual(ringOf(v), ['peer', 'self'])
    assert.equal(v.expire(30 + OPTS.staleAfterMs + OPTS.forgetAfterMs + 2), true, 'forgetting it changes the ring')
    assert.deepEqual(ringOf(v), ['self'])
  })

  test('a member that left and then went down stays out of the ring, and a late up of that incarnation does not bring it back', () => {
    const v = new MembershipView(self, 0, OPTS)
    v.heard(hb(1, 1), 0)
    assert.equal(v.heard(hb(1, 2, true), 10), true, 'leaving takes it out')
    assert.equal(v.expire(10 + OPTS.staleAfterMs + 1), false, 'down after leaving: no ring change')
    assert.equal(v.get('peer')?.state, 'down')
    assert.deepEqual(ringOf(v), ['self'])
    assert.equal(v.report({ subject: 'peer', incarnation: 1, seq: 2, state: 'down' }, 20), false)
    assert.equal(v.heard(hb(1, 3), 30), false, 'a late up of the incarnation that left')
    assert.deepEqual(ringOf(v), ['self'])
    assert.equal(v.heard(hb(2, 1), 40), true, 'a restart (new incarnation) is back in')
    assert.deepEqual(ringOf(v), ['peer', 'self'])
  })
})

describe('MembershipView: this peer\'s own entry', () => {
  test('new tokens of the same count change the ring: the view says so', () => {
    const v = new MembershipView({ ...self, tokens: [1n, 2n, 3n] }, 0, OPTS)
    assert.equal(v.updateSelf({ tokens: [4n, 5n, 6n] }), true)
    assert.deepEqual(v.get('self')?.tokens, [4n, 5n, 6n])
    assert.equal(v.updateSelf({ seq: 7 }), false, 'a new sequence number is no change of the ring')
  })
})
