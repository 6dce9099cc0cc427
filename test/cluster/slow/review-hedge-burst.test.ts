/**
 * Review of 0151d93: hedged writes in a healthy cluster. A burst of puts
 * after a quiet spell (the latency average learned from sequential writes is
 * a few ms, so the hedge fires at its 50 ms floor) must not mint each write
 * at several replicas: every extra mint is a full write and replication, and
 * a late one can outlive the writer's next write (review-writes.test.ts).
 */
import '../../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { bytes, startCluster } from '../../fixtures/cluster.js'
import type { TestCluster } from '../../fixtures/cluster.js'

describe('hedging in a healthy but busy cluster (4 peers, N=3 W=2)', () => {
  let c: TestCluster
  before(async () => {
    c = await startCluster(4, { n: 3, r: 2, w: 2 })
    await c.converged(4)
  })
  after(async () => { await c.stop() })

  test('200 concurrent puts after 50 sequential ones: each write is minted about once', async () => {
    const [coordinator] = c.nodes
    for (let i = 0; i < 50; i++) await coordinator.put(`warm-${i}`, bytes('w'))
    const keys = Array.from({ length: 200 }, (_, i) => `burst-${i}`)
    await Promise.all(keys.map(async k => coordinator.put(k, bytes(k), { timeoutMs: 5000 })))
    // late attempts finish within their own deadline
    await new Promise(resolve => setTimeout(resolve, 5000))
    let mints = 0
    for (const key of keys) {
      const first = c.nodes.find(n => n.peerId === coordinator.preferenceList(key)[0])
      const record = await first?.localRecord(key)
      mints += record?.entries.filter(e => e.counter > 0).length ?? 0
    }
    assert.ok(mints / keys.length <= 1.2, `${mints} mints for ${keys.length} writes (${(mints / keys.length).toFixed(2)} per write)`)
  })
})
