/**
 * Review: in a closed cluster, a new subscriber to the membership topic
 * that admission does not admit prompts one announcement in 10 probe
 * periods at most. Anyone can connect and subscribe; an outsider toggling its
 * subscription made every member it reached publish a full announcement
 * (to the whole cluster) each probe period, for as long as it liked (12 in
 * 3.6 s here). A joiner still hears one soon, and its own announcements
 * (eager, then lonely) carry its certificate: a member answers their news.
 */
import '../../src/shim.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { MeshNode } from '../../src/node.js'
import { newClusterKey } from '../../src/admission/cluster-key.js'
import { issueCertificate } from '../../src/admission/certificate.js'
import { peerIdOfDataDir } from '../../src/cli/id.js'
import { membershipTopic } from '../../src/constants.js'
import { createHost } from '../../src/host.js'
import { FAST_MEMBERSHIP, tempDir, waitFor } from '../fixtures/cluster.js'
import type { Membership } from '../../src/membership/membership.js'

const CLUSTER = 'subs'
const subscriberAnnouncements = (n: MeshNode): number => ((n as unknown as { membership: Membership }).membership.publishedByWhy().subscriber ?? 0)

test('an outsider toggling its subscription makes a member announce once in 10 periods at most', async (t) => {
  const key = await newClusterKey()
  const dirs = await Promise.all([1, 2].map(async () => tempDir('meshkv-subs-')))
  const nodes: MeshNode[] = []
  const outsider = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  t.after(async () => {
    await outsider.stop()
    await Promise.allSettled(nodes.map(async n => { await n.stop({ announce: false }) }))
    await Promise.allSettled(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })
  const base = { cluster: CLUSTER, listen: ['/ip4/127.0.0.1/tcp/0'], ...FAST_MEMBERSHIP, antiEntropyIntervalMs: 0 }
  const m1 = new MeshNode({ ...base, dataDir: dirs[0], clusterKey: key, n: 2, r: 1, w: 1 })
  await m1.start()
  nodes.push(m1)
  const certificate = await issueCertificate(key, { peer: await peerIdOfDataDir(dirs[1]), cluster: CLUSTER })
  const m2 = new MeshNode({ ...base, dataDir: dirs[1], bootstrap: [m1.multiaddrs()[0]], certificate, n: 2, r: 1, w: 1 })
  await m2.start()
  nodes.push(m2)
  await waitFor('2 members up', () => [m1, m2].every(n => n.members().filter(m => m.state === 'up').length === 2), 20_000)

  await outsider.dial(m1.libp2p.getMultiaddrs()[0])
  await outsider.dial(m2.libp2p.getMultiaddrs()[0])
  const before = [m1, m2].map(subscriberAnnouncements)
  const topic = membershipTopic(CLUSTER)
  for (let i = 0; i < 12; i++) {
    outsider.services.pubsub.subscribe(topic)
    await new Promise(resolve => setTimeout(resolve, 150))
    outsider.services.pubsub.unsubscribe(topic)
    await new Promise(resolve => setTimeout(resolve, 150))
  }
  await new Promise(resolve => setTimeout(resolve, 2 * FAST_MEMBERSHIP.heartbeatMs))
  const prompted = [m1, m2].map((n, i) => subscriberAnnouncements(n) - before[i])
  // 3.6 s of toggling at a 250 ms probe period: 10 periods is 2.5 s
  assert.ok(prompted.every(p => p <= 2), `announcements prompted by the outsider's subscriptions: ${prompted.join(', ')}`)
})
