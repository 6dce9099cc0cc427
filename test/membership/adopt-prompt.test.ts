/**
 * What an announcement on other defaults prompts (announcement-intake.ts):
 * this peer announces its settings soon, so the sender can adopt them,
 * whether it is new or a member this peer knows (restarted without its
 * settings); for a known member at most once in 5 probe periods, so one
 * that announces on and on (or a hostile one) cannot make this peer
 * broadcast at its pace. Nothing it says reaches the view meanwhile.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { defaultLogger } from '@libp2p/logger'
import { createHost } from '../../src/host.js'
import { AnnouncementIntake } from '../../src/membership/announcement-intake.js'
import { MemberStatus } from '../../src/membership/pb/heartbeat.js'
import { RING_HASH } from '../../src/membership/params.js'
import { MembershipView } from '../../src/membership/view.js'
import { MetricsRegistry } from '../../src/metrics.js'
import type { MeshHost } from '../../src/host.js'
import type { Heartbeat } from '../../src/membership/pb/heartbeat.js'

const HEARTBEAT_MS = 40

function announcement (peer: string, incarnation: number, seq: number, n: number, nSet: boolean): Heartbeat {
  return {
    peer, addrs: [], capacity: 1, incarnation, seq, status: MemberStatus.UP, zone: '',
    n, tokensPerUnit: 128, hash: RING_HASH, nSet, tokensPerUnitSet: false, tokens: [], known: new Uint8Array(0)
  }
}

describe('an announcement on other defaults', () => {
  let host: MeshHost
  before(async () => { host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], logger: defaultLogger() }) })
  after(async () => { await host?.stop() })

  function intake (): { intake: AnnouncementIntake, view: MembershipView, prompts: string[] } {
    const view = new MembershipView({ id: 'self', addrs: [], capacity: 1, incarnation: 1, seq: 1, leaving: false }, performance.now(),
      { suspectTimeoutMs: 3000, staleAfterMs: 95_000, forgetAfterMs: 600_000, maxMembers: 16 })
    const prompts: string[] = []
    return {
      view,
      prompts,
      intake: new AnnouncementIntake({
        libp2p: host,
        view,
        params: { n: 5, tokensPerUnit: 128, hash: RING_HASH, set: { n: true, tokensPerUnit: true } },
        capacity: 1,
        heartbeatMs: HEARTBEAT_MS,
        maxMembers: 16,
        selfKey: () => 'self',
        soon: (_ms, why) => { prompts.push(why) },
        restarted: () => {},
        changed: () => {},
        dispatch: () => true,
        rejected: () => {},
        metrics: new MetricsRegistry(),
        log: defaultLogger().forComponent('meshkv:test')
      })
    }
  }

  test('from a member this peer knows: prompts an announcement, at most once in 5 probe periods, and changes nothing', async () => {
    const { intake: i, view, prompts } = intake()
    view.heard({ id: 'known', addrs: [], capacity: 1, incarnation: 1, seq: 3, leaving: false }, performance.now())
    for (let seq = 1; seq <= 20; seq++) i.receive('known', announcement('known', 2, seq, 3, false))
    assert.deepEqual(prompts, ['adopt'], 'twenty announcements at once, one prompt')
    assert.equal(view.get('known')?.incarnation, 1, 'the view still holds the old incarnation')
    await new Promise(resolve => setTimeout(resolve, 5 * HEARTBEAT_MS + 20))
    i.receive('known', announcement('known', 2, 21, 3, false))
    assert.deepEqual(prompts, ['adopt', 'adopt'], 'and one again 5 probe periods on')
  })

  test('from a peer this peer does not know: prompts each time, as before', () => {
    const { intake: i, view, prompts } = intake()
    for (let seq = 1; seq <= 3; seq++) i.receive('stranger', announcement('stranger', 1, seq, 3, false))
    assert.deepEqual(prompts, ['adopt', 'adopt', 'adopt'])
    assert.equal(view.get('stranger'), undefined)
  })
})
