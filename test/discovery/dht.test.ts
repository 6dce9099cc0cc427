/**
 * A peer whose only address is a peer of the DHT that is not a member (a
 * peer of another cluster) finds the cluster through the members' provider
 * records, and joins it; the outsider stays out of it.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { Peers, seeUp, uniqueCluster, upIds } from './helpers.js'

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
  assert.ok((e.status().discovery?.dhtStats?.providersDialled ?? 0) >= 1, 'found through provider records')
  assert.deepEqual(upIds(outsider), [outsider.peerId], 'the outsider is no member')
  for (const n of [a, b, e]) assert.ok(!upIds(n).includes(outsider.peerId))
  console.log(`# found the cluster through a non-member DHT peer in ${tookMs} ms`)
})
