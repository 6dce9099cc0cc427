/**
 * What a heartbeat claims cannot crash or stall a peer, and peers that
 * disagree on the cluster's shared settings are refused on both sides,
 * naming the setting; a peer that left them unset adopts the cluster's.
 * Real peers on 127.0.0.1.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { createHost } from '../../src/host.js'
import { membershipTopic } from '../../src/constants.js'
import { MembershipMessage, MemberStatus } from '../../src/membership/pb/heartbeat.js'
import { RING_HASH } from '../../src/membership/params.js'
import { bytes, startCluster, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

interface Refused { peer: string, reason: string }

function refusals (node: MeshNode): Refused[] {
  const seen: Refused[] = []
  node.addEventListener('refused', (evt) => { seen.push((evt as CustomEvent<Refused>).detail) })
  return seen
}

/** Event-loop stalls on this process (all peers share it) while `fn` runs: the longest gap between 10 ms ticks. */
async function longestStall (fn: () => Promise<void>): Promise<number> {
  let last = performance.now()
  let worst = 0
  const timer = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now }, 10)
  try { await fn() } finally { clearInterval(timer) }
  return worst
}

describe('heartbeat claims against the token budget', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('a raw signed heartbeat claiming a huge capacity, or another tokensPerUnit, is refused without crashing or stalling anyone', async () => {
    cluster = await startCluster(3)
    await cluster.converged()
    const seen = cluster.nodes.map(refusals)
    const rogue = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], logger: defaultLogger() })
    try {
      const topic = membershipTopic('test')
      rogue.services.pubsub.subscribe(topic)
      for (const n of cluster.nodes) await rogue.dial(multiaddr(n.multiaddrs()[0]))
      const id = rogue.peerId.toString()
      const claim = (capacity: number, tokensPerUnit: number, seq: number): Uint8Array => MembershipMessage.encode({
        announce: {
          peer: id, addrs: [], capacity, incarnation: 1, seq, status: MemberStatus.UP, zone: '',
          n: 3, tokensPerUnit, hash: RING_HASH, nSet: true, tokensPerUnitSet: true, tokens: [], known: new Uint8Array(0)
        }
      })
      let seq = 0
      const stall = await longestStall(async () => {
        // what used to crash every peer (a RangeError in the ring rebuild) and, just under it, stall them for seconds
        await waitFor('every peer refuses the huge claim', async () => {
          await rogue.services.pubsub.publish(topic, claim(1_000_000, 128, ++seq)).catch(() => {})
          return seen.every(s => s.some(r => r.peer === id && /claims 128000000 ring tokens .* over the limit of 8192 per member/.test(r.reason)))
        })
        await waitFor('every peer refuses the claim made with another tokensPerUnit', async () => {
          await rogue.services.pubsub.publish(topic, claim(10_000, 16, ++seq)).catch(() => {})
          return seen.every(s => s.some(r => r.peer === id && /cluster setting tokensPerUnit differs: ours 128, theirs 16/.test(r.reason)))
        })
      })
      assert.ok(stall < 1000, `the event loop stalled for ${Math.round(stall)} ms`)
      for (const n of cluster.nodes) {
        assert.ok(!n.members().some(m => m.id === id), 'the refused peer is not in the view')
        assert.equal(n.status().ringSize, 3)
      }
      const put = await cluster.nodes[0].put('after-the-rogue', bytes('still here'))
      assert.ok(put.context.length > 0)
      assert.deepEqual((await cluster.nodes[2].get('after-the-rogue')).values.map(v => new TextDecoder().decode(v)), ['still here'])
    } finally {
      await rogue.stop()
    }
  })
})

describe('the cluster\'s shared settings', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('a peer whose explicit n or tokensPerUnit differs is refused on both sides, naming the setting', async () => {
    cluster = await startCluster(2, { n: 3, tokensPerUnit: 128 })
    await cluster.converged()
    const seen = cluster.nodes.map(refusals)
    const odd = await cluster.add({ n: 2 })
    const oddSeen = refusals(odd)
    await waitFor('both sides name n', () =>
      seen.every(s => s.some(r => r.peer === odd.peerId && r.reason === 'cluster setting n differs: ours 3, theirs 2')) &&
      oddSeen.some(r => r.peer === cluster.nodes[0].peerId && r.reason === 'cluster setting n differs: ours 2, theirs 3'))
    const odd2 = await cluster.add({ tokensPerUnit: 64 })
    const odd2Seen = refusals(odd2)
    await waitFor('both sides name tokensPerUnit', () =>
      seen[0].some(r => r.peer === odd2.peerId && r.reason === 'cluster setting tokensPerUnit differs: ours 128, theirs 64') &&
      odd2Seen.some(r => r.peer === cluster.nodes[0].peerId && r.reason === 'cluster setting tokensPerUnit differs: ours 64, theirs 128'))
    for (const n of cluster.nodes.slice(0, 2)) {
      assert.deepEqual(n.members().map(m => m.id).sort(), [cluster.nodes[0].peerId, cluster.nodes[1].peerId].sort())
    }
    assert.equal(odd.members().length, 1, 'the odd peer does not take the others in either')
  })
})

describe('adopting the cluster\'s settings', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('a peer that set neither n nor tokensPerUnit adopts the cluster\'s, and its r/w follow', async () => {
    cluster = await startCluster(2, { n: 5, tokensPerUnit: 64 })
    await cluster.converged()
    const joiner = await cluster.add({ n: undefined, tokensPerUnit: undefined })
    assert.deepEqual({ ...joiner.quorums }, { n: 3, r: 2, w: 2 }, 'before it hears the cluster: the defaults')
    await cluster.converged(3)
    assert.deepEqual({ ...joiner.quorums }, { n: 5, r: 3, w: 3 })
    assert.equal(joiner.status().tokensPerUnit, 64)
    assert.ok(cluster.nodes.every(n => n.status().ringSize === 3))
  })
})
