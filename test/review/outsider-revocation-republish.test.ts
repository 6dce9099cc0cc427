/**
 * Review: a member republishes every revocation it holds soon after a peer
 * subscribes to the admission topic (so a member back from a partition
 * learns them). Anyone can subscribe: an outsider toggling its subscription
 * made every member it reached publish its whole revocation list (up to
 * 10,000, 79 messages) about once a second. Now at most once in 10 s.
 */
import '../../src/shim.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { MeshNode } from '../../src/node.js'
import { newClusterKey } from '../../src/admission/cluster-key.js'
import { issueRevocation } from '../../src/admission/revocation.js'
import { admissionTopic } from '../../src/admission/revocation-gossip.js'
import { createHost } from '../../src/host.js'
import { FAST_MEMBERSHIP, tempDir } from '../fixtures/cluster.js'

const CLUSTER = 'republish'

test('an outsider toggling its admission-topic subscription does not make a member republish every second', async (t) => {
  const key = await newClusterKey()
  const dir = await tempDir('meshkv-republish-')
  const outsider = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const m1 = new MeshNode({ cluster: CLUSTER, listen: ['/ip4/127.0.0.1/tcp/0'], ...FAST_MEMBERSHIP, antiEntropyIntervalMs: 0, dataDir: dir, clusterKey: key, n: 1, r: 1, w: 1 })
  await m1.start()
  t.after(async () => {
    await outsider.stop()
    await m1.stop({ announce: false })
    await rm(dir, { recursive: true, force: true })
  })
  await m1.revoke(await issueRevocation(key, outsider.peerId.toString()))
  const topic = admissionTopic(CLUSTER)
  const pubsub = m1.libp2p.services.pubsub
  let published = 0
  const publish = pubsub.publish.bind(pubsub)
  pubsub.publish = async (tp: string, data?: Uint8Array) => {
    if (tp === topic) published++
    return publish(tp, data)
  }
  await outsider.dial(m1.libp2p.getMultiaddrs()[0])
  for (let i = 0; i < 14; i++) {
    outsider.services.pubsub.subscribe(topic)
    await new Promise(resolve => setTimeout(resolve, 200))
    outsider.services.pubsub.unsubscribe(topic)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  await new Promise(resolve => setTimeout(resolve, 1_600))
  // 7 s of toggling: once (and the period's republish is 30 s away)
  assert.ok(published <= 1, `revocation lists published: ${published}`)
})
