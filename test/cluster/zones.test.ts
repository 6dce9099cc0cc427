/**
 * Zones with real peers: six peers in three zones (N=3 R=2 W=2). Every key's
 * replicas sit in three distinct zones, so losing a whole zone loses no key
 * and leaves every key readable at R=2, both before the dead peers are
 * noticed and after they have left the ring.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, text, isRunning } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

const KEYS = 60
const zoneOf = (i: number): string => `zone-${i % 3}`

describe('six peers in three zones (N=3 R=2 W=2)', () => {
  let cluster: TestCluster
  before(async () => {
    cluster = await startCluster(0, { n: 3, r: 2, w: 2 })
    for (let i = 0; i < 6; i++) await cluster.add({ zone: zoneOf(i) })
    await cluster.converged(6)
  })
  after(async () => { await cluster.stop() })

  test('losing both peers of one zone loses no key: every key still reads at R=2', async () => {
    const { nodes } = cluster
    for (let i = 0; i < KEYS; i++) {
      // w: 3 so every replica holds the key before the zone goes: what is
      // tested is where the replicas are, not a write still in flight
      const put = await nodes[i % 6].put(`zk${i}`, bytes(`v${i}`), { w: 3 })
      assert.equal(put.acked.length, 3)
    }
    const dead = nodes.filter((_, i) => zoneOf(i) === 'zone-2')
    await Promise.all(dead.map(async n => { await n.stop({ announce: false }) }))
    const live = nodes.filter(n => isRunning(n))
    assert.equal(live.length, 4)

    const readAll = async (when: string): Promise<void> => {
      for (let i = 0; i < KEYS; i++) {
        const via = live[i % live.length]
        const got = await via.get(`zk${i}`, { r: 2 }).catch((err: Error) => { assert.fail(`${when}: zk${i} via ${via.peerId.toString()}: ${err.message}`) })
        assert.deepEqual(got.values.map(text), [`v${i}`], `${when}: zk${i}`)
      }
    }
    await readAll('before the loss is noticed')
    await cluster.converged(4)
    await readAll('after the dead zone left the ring')
  })
})
