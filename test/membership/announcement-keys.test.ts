/**
 * The key count a member says in its announcement (Heartbeat field 15, for
 * operators' views): a whole number from 0 to 2^53 - 1 reaches the view, an
 * announcement without it is taken as before, and one with anything else
 * (negative, fractional, not finite, past 2^53) is dropped whole, as any
 * announcement with a field out of bounds is.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseAnnouncement } from '../../src/membership/announcement.js'
import { Heartbeat, MemberStatus } from '../../src/membership/pb/heartbeat.js'
import { MembershipView } from '../../src/membership/view.js'

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

function heartbeat (keys?: number): Heartbeat {
  const hb: Heartbeat = {
    peer: PEER,
    addrs: [],
    capacity: 1,
    incarnation: 1,
    status: MemberStatus.UP,
    zone: '',
    n: 3,
    tokensPerUnit: 128,
    hash: 'sha256',
    nSet: true,
    seq: 1,
    tokens: [],
    tokensPerUnitSet: true,
    known: new Uint8Array(0)
  }
  if (keys !== undefined) hb.keys = keys
  // through the wire, as a peer would send it
  return Heartbeat.decode(Heartbeat.encode(hb))
}

test('a whole key count from 0 to 2^53 - 1 reaches the view as the member\'s keys', () => {
  for (const keys of [0, 1, 24, Number.MAX_SAFE_INTEGER]) {
    const parsed = parseAnnouncement(PEER, heartbeat(keys))
    assert.equal(parsed?.hb.keys, keys)
    const view = new MembershipView({ id: 'self', addrs: [], capacity: 1, incarnation: 1, seq: 0, leaving: false }, 0, { suspectTimeoutMs: 1000, staleAfterMs: 1000, forgetAfterMs: 10_000, maxMembers: 8 })
    view.heard(parsed!.hb, 1)
    assert.equal(view.get(PEER)?.keys, keys)
  }
})

test('an announcement without a key count is taken, with no keys', () => {
  const parsed = parseAnnouncement(PEER, heartbeat())
  assert.ok(parsed !== undefined)
  assert.equal(parsed.hb.keys, undefined)
  assert.equal('keys' in parsed.hb, false)
})

test('a key count that is no whole number of keys drops the announcement', () => {
  for (const keys of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
    assert.equal(parseAnnouncement(PEER, heartbeat(keys)), undefined, String(keys))
  }
})
