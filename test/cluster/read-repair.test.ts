/**
 * Read repair compares values, not only causal histories: replicas that hold
 * different values under the same dot (as a replica restarted on an old copy
 * of its data dir used to mint, before actors had epochs) are not taken as in
 * sync. The records are planted with SYNC requests from a bare libp2p host.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { kvProtocol } from '../../src/constants.js'
import { Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { encodeRecord } from '../../src/store/record.js'
import { bytes, startCluster, waitFor } from '../fixtures/cluster.js'
import { createRawHost, openRaw } from '../fixtures/raw-stream.js'
import type { KvRecord } from '../../src/store/record.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { Libp2p } from '@libp2p/interface'

const REPAIRS = 'meshkv_read_repairs_total'

describe('read repair (3 peers, N=3)', () => {
  let cluster: TestCluster
  let raw: Libp2p
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    await cluster.converged(3)
    raw = await createRawHost()
  })
  after(async () => {
    await raw?.stop()
    await cluster.stop()
  })

  test('replicas with different values under the same dot are repaired', async () => {
    const [a, b, c] = cluster.nodes
    const oneDot = (value: string): KvRecord => ({ entries: [{ actor: 'peer-old', counter: 1, values: [{ value: bytes(value), timestamp: 1_700_000_000_000 }] }], anonymous: [] })
    let id = 1
    for (const [node, value] of [[a, 'acknowledged'], [b, 'acknowledged'], [c, 'impostor']] as const) {
      await raw.dial(node.libp2p.getMultiaddrs()[0])
      const s = await openRaw(raw, peerIdFromString(node.peerId), kvProtocol('test'))
      await s.sendRequest({ id, type: RequestType.SYNC, key: 'minted-twice', record: encodeRecord(oneDot(value)) as Uint8Array<ArrayBuffer> })
      assert.equal((await s.response(id++)).status, Status.OK)
      await s.close()
    }
    const before = a.metrics.counter(REPAIRS)
    const got = await a.get('minted-twice', { r: 3 })
    assert.equal(got.values.length, 1)
    await waitFor('a read repair of the replica that differs', () => a.metrics.counter(REPAIRS) > before, 5_000, 20)
  })
})
