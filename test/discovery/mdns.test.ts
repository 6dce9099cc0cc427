/**
 * mDNS on the LAN (multicast works in this container: the looped-back
 * packets of eth0 reach every socket on the host). Two peers with no
 * bootstrap list and no DHT find each other; a peer of another cluster,
 * also on mDNS, is neither answered (another service tag) nor dialled; and
 * a peer that answers but does not serve the cluster's protocol is hung up on.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { defaultLogger } from '@libp2p/logger'
import { mdnsServiceTag } from '../../src/discovery/cluster-key.js'
import { MdnsDialer } from '../../src/discovery/mdns-dialer.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { Peers, seeUp, uniqueCluster, waitFor } from './helpers.js'

const peers = new Peers()
after(async () => { await peers.stop() })

test('peers of one cluster find each other by mDNS; a peer of another cluster is left alone', async () => {
  const cluster = uniqueCluster('mdns')
  const other = uniqueCluster('mdns-other')
  assert.notEqual(mdnsServiceTag(cluster), mdnsServiceTag(other))
  const opts = { mdns: true, mdnsIntervalMs: 500, dht: false }
  const stranger = await peers.start({ cluster: other, ...opts })
  const a = await peers.start({ cluster, ...opts })
  const b = await peers.start({ cluster, ...opts })
  await seeUp([a, b], [a.peerId, b.peerId])
  // counted once identify shows the peer serves the cluster's protocol, which may come after membership converged
  await waitFor('an mDNS dial counted', () => (a.status().discovery?.mdnsDialled ?? 0) + (b.status().discovery?.mdnsDialled ?? 0) >= 1, 10_000)
  // several query periods later, still nobody dialled the stranger nor was dialled by it
  await new Promise(resolve => setTimeout(resolve, 2000))
  for (const n of [a, b]) assert.equal(n.libp2p.getConnections(stranger.libp2p.peerId).length, 0)
  assert.equal(stranger.libp2p.getConnections().length, 0)
})

test('an mDNS peer that does not serve the cluster\'s protocol is hung up on', async () => {
  const cluster = uniqueCluster('mdns-proto')
  const a = await peers.start({ cluster, dht: false })
  const b = await peers.start({ cluster: uniqueCluster('mdns-proto-other'), dht: false })
  const dialer = new MdnsDialer({ libp2p: a.libp2p, protocol: '/meshkv/no-such-cluster/kv/2.0.0', log: defaultLogger().forComponent('test'), metrics: new MetricsRegistry(), identifyTimeoutMs: 1000 })
  const info = { id: b.libp2p.peerId, multiaddrs: b.libp2p.getMultiaddrs() }
  dialer.onPeer(new CustomEvent('peer', { detail: info }))
  await waitFor('the dialer to refuse the peer', () => dialer.refused === 1, 10_000)
  await waitFor('the connection closed', () => a.libp2p.getConnections(b.libp2p.peerId).length === 0, 5_000)
  // shunned: found again at once, it is not dialled again
  dialer.onPeer(new CustomEvent('peer', { detail: info }))
  await new Promise(resolve => setTimeout(resolve, 300))
  assert.equal(a.libp2p.getConnections(b.libp2p.peerId).length, 0)
  assert.equal(dialer.dialled, 0)
  dialer.close()
})
