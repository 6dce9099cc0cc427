/**
 * Hints from a hostile or broken peer: a SYNC whose hint names no member,
 * or something that is not a peer id at all, or that would pass the hint
 * bound, gets a typed ERR_HINT_REFUSED reply; nothing is stored for it, the
 * stream goes on, and the peer keeps serving.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { kvProtocol } from '../../src/constants.js'
import { Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { encodeRecord, siblingEquals } from '../../src/store/record.js'
import { empty, newWithContext, updateWith } from '../../src/version/index.js'
import { startCluster, bytes, text } from '../fixtures/cluster.js'
import { createRawHost, openRaw } from '../fixtures/raw-stream.js'
import type { RawStream } from '../fixtures/raw-stream.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { Libp2p } from '@libp2p/interface'

/** a record as a replica would send it: one value, written by a stranger's actor */
const record = (v: string): Uint8Array<ArrayBuffer> =>
  encodeRecord(updateWith(newWithContext([], { value: bytes(v), timestamp: 1 }), empty(), 'stranger.1', siblingEquals)) as Uint8Array<ArrayBuffer>

describe('hinted SYNC from a hostile peer', () => {
  let cluster: TestCluster
  let a: MeshNode
  let b: MeshNode
  let raw: Libp2p
  let s: RawStream
  let id = 0

  before(async () => {
    cluster = await startCluster(0, { n: 2, r: 1, w: 1 })
    a = await cluster.add({ maxHints: 1 })
    b = await cluster.add()
    await cluster.converged(2)
    raw = await createRawHost()
    await raw.dial(a.libp2p.getMultiaddrs()[0])
    s = await openRaw(raw, peerIdFromString(a.peerId), kvProtocol('test'))
  })

  after(async () => {
    await s?.close()
    await raw?.stop()
    await cluster?.stop()
  })

  const sync = async (key: string, hintFor: string): Promise<{ status: Status, code: string, message: string }> => {
    const req = ++id
    await s.sendRequest({ id: req, type: RequestType.SYNC, key, record: record(`v-${key}`), hintFor })
    return s.response(req)
  }

  test('a hint for a peer that is not a member, or for no peer id at all: ERR_HINT_REFUSED, nothing stored', async () => {
    const stranger = raw.peerId.toString()
    for (const [key, hintFor] of [['k-stranger', stranger], ['k-bogus', 'not a peer id'], ['k-long', 'x'.repeat(10_000)]] as const) {
      const res = await sync(key, hintFor)
      assert.equal(res.status, Status.ERROR, key)
      assert.equal(res.code, 'ERR_HINT_REFUSED', `${key}: ${res.message}`)
      assert.ok(res.message.length < 1024, 'the error does not echo what it was sent')
      assert.equal(await a.localRecord(key), undefined, `${key}: nothing stored`)
    }
    assert.equal(a.status().hints?.pending, 0)
  })

  test('a hint past the bound is refused; the one within it is kept; the peer keeps serving', async () => {
    const ok = await sync('k-1', b.peerId)
    assert.equal(ok.status, Status.OK, ok.message)
    assert.deepEqual(a.status().hints?.byOwner, { [b.peerId]: 1 })
    const refused = await sync('k-2', b.peerId)
    assert.equal(refused.code, 'ERR_HINT_REFUSED')
    assert.match(refused.message, /maxHints/)
    assert.equal(a.metrics.counter('meshkv_hints_dropped_total', { reason: 'full' }), 1)
    assert.equal(await a.localRecord('k-2'), undefined)
    // a plain SYNC still works, and so do client requests
    assert.equal((await sync('k-3', '')).status, Status.OK)
    await a.put('after', bytes('fine'))
    assert.deepEqual((await a.get('after')).values.map(text), ['fine'])
  })
})
