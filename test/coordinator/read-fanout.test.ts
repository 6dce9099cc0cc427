/**
 * A get moves only what R needs: on a replica at N3 R2 it reads its own copy
 * and asks one other replica (it used to ask both); a replica that holds the
 * record whose digest the GET carries answers "same" without the record
 * (a digest read), and the record when it differs; a replica that stops is
 * replaced by the next, so the read still answers.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { bytes, startCluster, waitFor } from '../fixtures/cluster.js'
import { createRawHost, openRaw } from '../fixtures/raw-stream.js'
import { kvProtocol } from '../../src/constants.js'
import { Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { recordDigest } from '../../src/protocol/record-digest.js'
import { encodeRecord } from '../../src/store/record.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

const text = (b: Uint8Array): string => new TextDecoder().decode(b)

/** GET requests this node has served (every outcome) */
function servedGets (node: MeshNode): number {
  let total = 0
  for (const line of node.metrics.render().split('\n')) {
    const m = /^meshkv_rpc_handled_ms_count\{([^}]*)\} (\d+)/.exec(line)
    if (m !== null && m[1].includes('type="GET"')) total += Number(m[2])
  }
  return total
}

describe('read fan-out (3 peers, N3 R2 W2)', () => {
  let cluster: TestCluster
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    await cluster.converged(3)
  })
  after(async () => { await cluster.stop() })

  test('a get on a replica asks one remote replica, not two', async () => {
    const [a, b, c] = cluster.nodes
    await a.put('fanout', bytes('v'), { w: 3 })
    const before = servedGets(b) + servedGets(c)
    const hedgedBefore = a.metrics.counter('meshkv_read_hedges_total')
    const reads = 20
    for (let i = 0; i < reads; i++) assert.deepEqual((await a.get('fanout')).values.map(text), ['v'])
    // a loaded machine may leave a reply past the hedge delay: each such read asks one more, and counts it
    const hedged = a.metrics.counter('meshkv_read_hedges_total') - hedgedBefore
    assert.ok(hedged <= reads / 4, `${hedged} of ${reads} reads hedged`)
    // (a hedged request may still be on its way when its read has answered)
    await waitFor('the remote GETs served', () => servedGets(b) + servedGets(c) - before >= reads + hedged, 5_000).catch(() => {})
    const asked = servedGets(b) + servedGets(c) - before
    assert.equal(asked, reads + hedged, `remote GETs for ${reads} reads (${hedged} hedged)`)
  })

  test('a GET with the digest of the replica\'s record is answered "same", without it; another digest gets the record', async () => {
    const [a, b] = cluster.nodes
    const big = bytes('x'.repeat(1000))
    await a.put('digest-read', big, { w: 3 })
    const held = await b.localRecord('digest-read')
    assert.ok(held !== undefined)
    const digest = recordDigest(encodeRecord(held))
    assert.ok(digest !== undefined, 'a 1 KB record is worth a digest')
    const other = digest.slice()
    other[0] ^= 1
    const raw = await createRawHost()
    try {
      await raw.dial(b.libp2p.getMultiaddrs()[0])
      const s = await openRaw(raw, peerIdFromString(b.peerId), kvProtocol('test'))
      await s.sendRequest({ id: 1, type: RequestType.GET, key: 'digest-read', digest })
      await s.sendRequest({ id: 2, type: RequestType.GET, key: 'digest-read', digest: other })
      await s.sendRequest({ id: 3, type: RequestType.GET, key: 'digest-read' })
      const [same, differs, plain] = [await s.response(1), await s.response(2), await s.response(3)]
      assert.equal(same.status, Status.OK)
      assert.equal(same.same, true)
      assert.equal(same.record, undefined, 'the record is not sent back')
      for (const r of [differs, plain]) {
        assert.equal(r.status, Status.OK)
        assert.equal(r.same, false)
        assert.deepEqual(Uint8Array.from(r.record as Uint8Array), Uint8Array.from(encodeRecord(held)))
      }
      await s.close()
    } finally {
      await raw.stop()
    }
    // through the coordinator: the value, from a replica that said "same"
    assert.deepEqual((await a.get('digest-read')).values.map(text), ['x'.repeat(1000)])
  })

  test('a replica that stopped is replaced by the next: the read still sees the write', async () => {
    const [a, b, c] = cluster.nodes
    await a.put('fanout-2', bytes('w'), { w: 3 })
    // a asks itself, then one of b and c: stop the one it asks first
    const first = (await a.get('fanout-2')).replicas.find(p => p !== a.peerId)
    const gone = first === b.peerId ? b : c
    await gone.stop()
    const started = Date.now()
    const got = await a.get('fanout-2')
    assert.deepEqual(got.values.map(text), ['w'])
    assert.equal(got.replicas.includes(gone.peerId), false)
    assert.ok(Date.now() - started < 5_000, 'answered well within the deadline')
  })
})
