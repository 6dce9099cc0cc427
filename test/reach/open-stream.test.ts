/**
 * Streams to a peer reached only through a relay go on the relayed (limited)
 * connection already open to it, with no new dial per stream
 * (src/reach/open-stream.ts). libp2p's own dialProtocol by peer id dials
 * such a peer again for every stream, through the relay, which is what made
 * kv requests and membership pings between two NATed peers time out.
 * Real hosts on loopback: a relay, a peer that listens only through it, and
 * a peer that dials it there.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { byteStream } from '@libp2p/utils'
import { createHost } from '../../src/host.js'
import { openStream, pingPeer } from '../../src/reach/open-stream.js'
import { waitFor } from '../fixtures/cluster.js'
import type { MeshHost } from '../../src/host.js'
import type { Connection } from '@libp2p/interface'

const ECHO = '/meshkv-test/echo/1.0.0'
const OFF = { autonat: false, dcutr: false }

describe('streams on a relayed connection', () => {
  let relay: MeshHost
  let behind: MeshHost
  let dialer: MeshHost
  let relayed: Connection
  /** connections the dialer opened to the peer behind the relay, after the first */
  let extra = 0

  before(async () => {
    relay = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], reach: { ...OFF, relayServer: true } })
    // no listener of its own: reachable only through its reservation on the relay
    behind = await createHost({ listen: [], reach: { ...OFF, relayServer: false, relayReservation: true } })
    await behind.handle(ECHO, stream => {
      stream.addEventListener('message', evt => { stream.send(evt.data) })
      stream.addEventListener('remoteCloseWrite', () => { void stream.close() })
    }, { runOnLimitedConnection: true })
    await behind.dial(relay.getMultiaddrs()[0])
    await waitFor('a reservation on the relay', async () => behind.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')), 10_000, 50)
    dialer = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], reach: { ...OFF, relayServer: false, relayReservation: false } })
    const circuit = behind.getMultiaddrs().find(a => a.toString().includes('/p2p-circuit'))
    assert.ok(circuit !== undefined)
    relayed = await dialer.dial(circuit, { signal: AbortSignal.timeout(10_000) })
    dialer.addEventListener('connection:open', evt => { if (evt.detail.remotePeer.equals(behind.peerId)) extra++ })
  })

  after(async () => {
    await Promise.all([dialer, behind, relay].map(async h => h?.stop()))
  })

  test('the only connection is relayed, and streams and pings go on it without another dial', async () => {
    assert.ok(relayed.limits !== undefined, 'the connection is limited (relayed)')
    assert.ok(relayed.remoteAddr.toString().includes('/p2p-circuit'))
    for (let i = 0; i < 5; i++) {
      const stream = await openStream(dialer, behind.peerId, ECHO, { signal: AbortSignal.timeout(5_000), runOnLimitedConnection: true })
      const bytes = byteStream(stream)
      const sent = new TextEncoder().encode(`hello ${i}`)
      await bytes.write(sent)
      const back = await bytes.read({ bytes: sent.byteLength, signal: AbortSignal.timeout(5_000) })
      assert.deepEqual(new Uint8Array(back.subarray()), sent)
      await stream.close()
      const rtt = await pingPeer(dialer, behind.peerId, { signal: AbortSignal.timeout(5_000) })
      assert.ok(rtt >= 0)
    }
    assert.equal(extra, 0, 'no new connection to the peer was opened')
    assert.deepEqual(dialer.getConnections(behind.peerId).map(c => c.id), [relayed.id])
  })

  test('a stream that may not run on a relayed connection is refused', async () => {
    await assert.rejects(openStream(dialer, behind.peerId, ECHO, { signal: AbortSignal.timeout(5_000) }))
  })
})
