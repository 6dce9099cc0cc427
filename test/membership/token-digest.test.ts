/**
 * Periodic announcements carry a digest of the sender's tokens, not the
 * tokens: a peer that missed the announcement of new tokens finds its copy's
 * digest differs, and gets them (its filter lacks the sender, which answers
 * in full). Real hosts on 127.0.0.1, each running meshkv's Membership.
 */
import '../../src/shim.js'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import { defaultLogger } from '@libp2p/logger'
import assert from 'node:assert/strict'
import { membershipTopic } from '../../src/constants.js'
import { createHost } from '../../src/host.js'
import { Membership } from '../../src/membership/membership.js'
import { RING_HASH } from '../../src/membership/params.js'
import { MembershipMessage, MemberStatus } from '../../src/membership/pb/heartbeat.js'
import { knownKey, sameDigest, tokenDigest } from '../../src/membership/token-digest.js'
import { knownFilter } from '../../src/membership/known-filter.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { Ring } from '../../src/ring/ring.js'
import { tokensFor } from '../../src/ring/tokens.js'
import { waitFor } from '../fixtures/cluster.js'
import type { MeshHost } from '../../src/host.js'
import type { Member } from '../../src/membership/view.js'

test('a digest names its tokens: the same tokens the same digest, any other set another', () => {
  const a = tokensFor({ id: 'a', capacity: 1 }, 16)
  const b = tokensFor({ id: 'b', capacity: 1 }, 16)
  assert.ok(sameDigest([...a], tokenDigest(a)), 'a copy of the same tokens')
  assert.ok(!sameDigest(b, tokenDigest(a)))
  assert.ok(!sameDigest(a.slice(1), tokenDigest(a)), 'one token fewer')
  assert.ok(!sameDigest(undefined, tokenDigest(a)), 'no tokens (derived) is not these')
  assert.ok(!sameDigest(a, new Uint8Array(3)), 'a digest of the wrong size names nothing')
  assert.notEqual(knownKey('a', a), knownKey('a', b))
  assert.equal(knownKey('a', a), knownKey('a', [...a]))
})

interface Peer { host: MeshHost, membership: Membership }

async function startPeer (bootstrap: MeshHost | undefined, tokens: bigint[], announceMs: number): Promise<Peer> {
  const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const membership = new Membership({
    libp2p: host,
    topic: membershipTopic('digest'),
    capacity: 1,
    bootstrap: bootstrap === undefined ? [] : [bootstrap.getMultiaddrs()[0]],
    heartbeatMs: 200,
    memberTimeoutMs: 1500,
    announceMs,
    phiThreshold: 8,
    log: defaultLogger().forComponent('test:digest'),
    metrics: new MetricsRegistry(),
    incarnation: 1,
    params: { n: 3, tokensPerUnit: 16, set: { n: true, tokensPerUnit: true } },
    tokens
  })
  membership.start()
  return { host, membership }
}

const tokensOf = (p: Peer, id: string): readonly bigint[] | undefined => p.membership.member(id)?.tokens
const ring = (members: Member[]): Ring => new Ring(members.map(m => ({ id: m.id, capacity: m.capacity, tokens: m.tokens })), { tokensPerUnit: 16 })

test('a peer that missed the announcement of new tokens gets them from the digest of a periodic one, and builds the same ring', async (t) => {
  const peers: Peer[] = []
  t.after(async () => {
    for (const p of peers) {
      await p.membership.stop()
      await p.host.stop()
    }
  })
  const announceMs = 1500
  const initial = (i: number): bigint[] => tokensFor({ id: `first-${i}`, capacity: 1 }, 16)
  peers.push(await startPeer(undefined, initial(0), announceMs))
  for (let i = 1; i < 3; i++) peers.push(await startPeer(peers[0].host, initial(i), announceMs))
  const [a, b, c] = peers
  const aId = a.host.peerId.toString()
  await waitFor('all three see all three up with their tokens', () =>
    peers.every(p => p.membership.members().filter(m => m.state === 'up' && m.tokens?.length === 16).length === 3), 20_000)

  // c stops hearing the topic while a announces new tokens ('change', in full): b gets them, c does not
  const listener = (c.membership as unknown as { onMessage: (evt: Event) => void }).onMessage
  c.host.services.pubsub.removeEventListener('message', listener)
  const next = tokensFor({ id: 'second', capacity: 1 }, 16)
  a.membership.setTokens(next)
  await waitFor('b has a\'s new tokens', () => tokensOf(b, aId)?.[0] === next[0])
  await new Promise(resolve => setTimeout(resolve, 400))
  c.host.services.pubsub.addEventListener('message', listener)
  assert.equal(tokensOf(c, aId)?.[0], initial(0)[0], 'c missed them')

  // a's periodic announcements carry only the digest: c keeps its old copy until a answers its filter
  await waitFor('c has a\'s new tokens', () => tokensOf(c, aId)?.[0] === next[0], 4 * announceMs + 5000)
  // c's filter (in its 'want', or in its own periodic announcement) lacks a's new tokens: a answers in full
  assert.ok((a.membership.publishedByWhy().heal ?? 0) >= 1, `a answered: ${JSON.stringify(a.membership.publishedByWhy())}; c: ${JSON.stringify(c.membership.publishedByWhy())}`)
  const rb = ring(b.membership.members())
  const rc = ring(c.membership.members())
  for (const key of ['k1', 'k2', 'user:42', 'z']) assert.deepEqual(rc.preferenceList(key, 3), rb.preferenceList(key, 3))
})

test('a digest that matches the copy is the announcement of those tokens: no asking, no answering', async (t) => {
  const peers: Peer[] = []
  t.after(async () => {
    for (const p of peers) {
      await p.membership.stop()
      await p.host.stop()
    }
  })
  const announceMs = 800
  peers.push(await startPeer(undefined, tokensFor({ id: 'x0', capacity: 1 }, 16), announceMs))
  peers.push(await startPeer(peers[0].host, tokensFor({ id: 'x1', capacity: 1 }, 16), announceMs))
  await waitFor('both see both up', () => peers.every(p => p.membership.members().filter(m => m.state === 'up').length === 2), 20_000)
  const seqOf = (p: Peer, q: Peer): number => p.membership.member(q.host.peerId.toString())?.seq ?? 0
  const seq0 = seqOf(peers[1], peers[0])
  await waitFor('periodic announcements applied', () => seqOf(peers[1], peers[0]) > seq0 + 2 && (peers[0].membership.publishedByWhy().periodic ?? 0) >= 2, 15_000)
  for (const p of peers) {
    const by = p.membership.publishedByWhy()
    assert.equal(by.want, undefined, JSON.stringify(by))
  }
  assert.equal(peers[1].membership.member(peers[0].host.peerId.toString())?.tokens?.length, 16)
})

/** A host running Membership and a rogue host connected to it, subscribed to its topic, publishing by hand. */
async function hostWithRogue (t: TestContext, announceMs: number): Promise<{ host: MeshHost, rogue: MeshHost, membership: Membership, metrics: MetricsRegistry, topic: string, id: string }> {
  const metrics = new MetricsRegistry()
  const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const rogue = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const membership = new Membership({
    libp2p: host,
    topic: membershipTopic('digest'),
    capacity: 1,
    bootstrap: [],
    heartbeatMs: 200,
    memberTimeoutMs: 1500,
    announceMs,
    phiThreshold: 8,
    log: defaultLogger().forComponent('test:digest'),
    metrics,
    incarnation: 1,
    params: { n: 3, tokensPerUnit: 16, set: { n: true, tokensPerUnit: true } }
  })
  membership.start()
  t.after(async () => {
    await membership.stop()
    await host.stop()
    await rogue.stop()
  })
  const topic = membershipTopic('digest')
  rogue.services.pubsub.subscribe(topic)
  await rogue.dial(host.getMultiaddrs()[0])
  return { host, rogue, membership, metrics, topic, id: rogue.peerId.toString() }
}

test('a digest of the wrong size, or sent with the tokens, is rejected whole and crashes nothing', async (t) => {
  const { host, rogue, membership, metrics, topic, id } = await hostWithRogue(t, 5000)
  const tokens = tokensFor({ id, capacity: 1 }, 16)
  const claim = (seq: number, extra: { tokens: bigint[], tokensDigest?: Uint8Array<ArrayBuffer> }): Uint8Array => MembershipMessage.encode({
    announce: { peer: id, addrs: [], capacity: 1, incarnation: 1, seq, status: MemberStatus.UP, zone: '', n: 3, tokensPerUnit: 16, hash: RING_HASH, nSet: true, tokensPerUnitSet: true, known: new Uint8Array(0), ...extra }
  })
  const rejected = (): number => metrics.counter('meshkv_membership_heartbeats_total', { dir: 'rejected' })
  let seq = 0
  await waitFor('both hostile claims rejected', async () => {
    await rogue.services.pubsub.publish(topic, claim(++seq, { tokens: [], tokensDigest: new Uint8Array(3) })).catch(() => {})
    await rogue.services.pubsub.publish(topic, claim(++seq, { tokens, tokensDigest: tokenDigest(tokens) })).catch(() => {})
    return rejected() >= 2
  }, 10_000, 300)
  assert.equal(membership.member(id), undefined, 'the rogue is in no view')
  // the same peer, well-formed, is heard: the rejections were for the digest, not for the peer
  await waitFor('a well-formed announcement is applied', async () => {
    await rogue.services.pubsub.publish(topic, claim(++seq, { tokens })).catch(() => {})
    return membership.member(id)?.tokens?.length === 16
  }, 10_000, 300)
})

test('an old announcement (a late delivery, a replay) prompts no heal answer: its filter is old', async (t) => {
  const { host, rogue, membership, topic, id } = await hostWithRogue(t, 60_000)
  const tokens = tokensFor({ id, capacity: 1 }, 16)
  const hostKey = knownKey(host.peerId.toString(), undefined)
  const claim = (seq: number, known: Uint8Array<ArrayBuffer>): Uint8Array => MembershipMessage.encode({
    announce: { peer: id, addrs: [], capacity: 1, incarnation: 1, seq, status: MemberStatus.UP, zone: '', n: 3, tokensPerUnit: 16, hash: RING_HASH, nSet: true, tokensPerUnitSet: true, tokens, known }
  })
  await waitFor('the peer is a member, knowing the host', async () => {
    await rogue.services.pubsub.publish(topic, claim(100, knownFilter([hostKey, knownKey(id, tokens)]))).catch(() => {})
    return membership.member(id)?.seq === 100
  }, 10_000, 300)
  await new Promise(resolve => setTimeout(resolve, 1000))
  const heals = membership.publishedByWhy().heal ?? 0
  for (let seq = 1; seq <= 5; seq++) await rogue.services.pubsub.publish(topic, claim(seq, knownFilter([]))).catch(() => {})
  await new Promise(resolve => setTimeout(resolve, 1000))
  assert.equal(membership.publishedByWhy().heal ?? 0, heals, 'no answer to old filters')
  // a newer one with a filter that lacks the host is answered
  await rogue.services.pubsub.publish(topic, claim(101, knownFilter([]))).catch(() => {})
  await waitFor('the newest filter is answered', () => (membership.publishedByWhy().heal ?? 0) > heals, 5000)
})
