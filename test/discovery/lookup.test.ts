/**
 * The others look a lost member up on the DHT. A member's identity comes
 * back on a new port, as a bare host in the DHT that dials only a non-member
 * peer of it (a gater refuses its own dials to anyone else, so its DHT
 * queries cannot reach the members): it dials no member and announces
 * nothing, so the only way a member reaches it is findPeer on the DHT, past
 * the stale addresses in its peer store.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from '@libp2p/interface'
import { DEFAULT_DHT_PROTOCOL } from '../../src/constants.js'
import { RecordStore } from '../../src/store/record-store.js'
import { loadOrCreateIdentity } from '../../src/store/identity.js'
import { Peers, seeUp, uniqueCluster, waitFor } from './helpers.js'

const peers = new Peers()
let moved: Libp2p | undefined
after(async () => {
  await moved?.stop()
  await peers.stop()
})

test('a member that moved to a new port is looked up on the DHT and dialled there', async () => {
  const cluster = uniqueCluster('lookup')
  const a = await peers.start({ cluster })
  const b = await peers.start({ cluster, bootstrap: [a.multiaddrs()[0]] })
  const c = await peers.start({ cluster, bootstrap: [a.multiaddrs()[0]] })
  await seeUp([a, b, c], [a.peerId, b.peerId, c.peerId])
  const outsider = await peers.start({ cluster: uniqueCluster('other'), bootstrap: [a.multiaddrs()[0]] })
  await waitFor('the outsider connected to both others', () => outsider.libp2p.getConnections().length >= 2 || b.libp2p.getConnections(outsider.libp2p.peerId).length > 0, 10_000)
  const cId = c.peerId
  const oldAddrs = c.multiaddrs()
  await c.stop({ announce: false })
  await waitFor('c down on a and b', () => [a, b].every(n => n.members().find(m => m.id === cId)?.state === 'down'), 15_000)
  // c's identity on a new port, knowing only the outsider
  const store = new RecordStore({ path: peers.dirs[2], limits: { maxValueBytes: 1024 } })
  await store.open()
  const privateKey = await loadOrCreateIdentity(store.raw)
  await store.close()
  const started = Date.now()
  const outsiderId = outsider.peerId
  moved = await createLibp2p({
    privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialPeer: (peer) => peer.toString() !== outsiderId },
    services: { identify: identify(), ping: ping(), dht: kadDHT({ protocol: DEFAULT_DHT_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper }) }
  })
  assert.equal(moved.peerId.toString(), cId)
  assert.notDeepEqual(moved.getMultiaddrs().map(String), oldAddrs)
  await moved.dial(outsider.libp2p.getMultiaddrs()[0])
  await waitFor('a or b dialled the moved member at its new address', () =>
    [a, b].some(n => n.libp2p.getConnections(moved!.peerId).some(conn => conn.direction === 'outbound')), 20_000)
  const refound = [a, b].reduce((sum, n) => sum + (n.status().discovery?.dhtStats?.refound ?? 0), 0)
  assert.ok(refound >= 1, 'through a DHT lookup')
  console.log(`# a member that moved was looked up and dialled in ${Date.now() - started} ms`)
})
