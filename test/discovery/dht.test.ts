/**
 * A peer whose only address is a peer of the DHT that is not a member (a
 * peer of another cluster) finds the cluster through the members' provider
 * records, and joins it; the outsider stays out of it.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { clusterCid } from '../../src/discovery/cluster-key.js'
import { Peers, seeUp, uniqueCluster, upIds } from './helpers.js'
import type { KadDHT } from '@libp2p/kad-dht'

const peers = new Peers()
after(async () => { await peers.stop() })

test('a peer that knows only a non-member peer of the DHT finds the members and joins', async () => {
  const cluster = uniqueCluster('dht')
  const a = await peers.start({ cluster })
  const b = await peers.start({ cluster, bootstrap: [a.multiaddrs()[0]] })
  await seeUp([a, b], [a.peerId, b.peerId])
  // a peer of another cluster, in the same DHT: the only peer the newcomer knows
  const outsider = await peers.start({ cluster: uniqueCluster('other'), bootstrap: [b.multiaddrs()[0]] })
  const started = Date.now()
  const e = await peers.start({ cluster, bootstrap: [outsider.multiaddrs()[0]] })
  await seeUp([a, b, e], [a.peerId, b.peerId, e.peerId])
  const tookMs = Date.now() - started
  // in a DHT this small E's own self-query may reach the members first; either way the members' provider records are there to find
  const dht = (e.libp2p.services as unknown as { dht: KadDHT }).dht
  const providers = new Set<string>()
  for await (const evt of dht.findProviders(clusterCid(cluster), { signal: AbortSignal.timeout(10_000) })) {
    if (evt.name === 'PROVIDER') for (const p of evt.providers) providers.add(p.id.toString())
  }
  assert.ok(providers.has(a.peerId) && providers.has(b.peerId), `members provide the cluster key: ${[...providers].join(' ')}`)
  assert.ok(!providers.has(outsider.peerId))
  assert.deepEqual(upIds(outsider), [outsider.peerId], 'the outsider is no member')
  for (const n of [a, b, e]) assert.ok(!upIds(n).includes(outsider.peerId))
  console.log(`# found the cluster through a non-member DHT peer in ${tookMs} ms`)
})
