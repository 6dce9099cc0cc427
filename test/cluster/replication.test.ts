/**
 * Real peers in one process on 127.0.0.1: quorum replication, failure of a
 * peer, restart on the same data dir, siblings from concurrent writes.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, text, waitFor, isRunning } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

for (const size of [3, 5]) {
  describe(`a ${size}-peer cluster (N=3 R=2 W=2)`, () => {
    let cluster: TestCluster
    before(async () => {
      cluster = await startCluster(size, { n: 3, r: 2, w: 2 })
      await cluster.converged(size)
    })
    after(async () => { await cluster.stop() })

    test('a write through one peer is read through every other', async () => {
      const [a, ...rest] = cluster.nodes
      for (let i = 0; i < 20; i++) {
        const put = await a.put(`k${i}`, bytes(`v${i}`))
        assert.ok(put.acked.length >= 2, `acked by ${put.acked.length}`)
      }
      for (const node of rest) {
        for (let i = 0; i < 20; i++) {
          const got = await node.get(`k${i}`)
          assert.equal(got.found, true)
          assert.deepEqual(got.values.map(text), [`v${i}`])
        }
      }
    })

    test('a missing key is not found, a deleted key reads as not found', async () => {
      const [a, b] = cluster.nodes
      assert.equal((await a.get('never-written')).found, false)
      const put = await a.put('doomed', bytes('x'))
      await b.delete('doomed', { context: put.context })
      const got = await a.get('doomed')
      assert.equal(got.found, false)
      assert.equal(got.values.length, 0)
    })

    test('concurrent writes without contexts come back as siblings; a write with the merged context resolves them', async () => {
      const [a, b, c] = cluster.nodes
      await Promise.all([a.put('conflict', bytes('from-a')), b.put('conflict', bytes('from-b'))])
      const got = await c.get('conflict')
      assert.deepEqual(got.values.map(text).sort(), ['from-a', 'from-b'])
      await c.put('conflict', bytes('resolved'), { context: got.context })
      for (const node of cluster.nodes) {
        assert.deepEqual((await node.get('conflict')).values.map(text), ['resolved'])
      }
    })

    test('one peer stops: reads and writes go on; it restarts on its data dir and serves its keys', async () => {
      const victim = cluster.nodes[1]
      const dir = cluster.dirs[1]
      await victim.stop()
      const live = cluster.nodes.filter(n => isRunning(n))
      // before and after the failure is detected
      for (let i = 0; i < 10; i++) {
        await live[i % live.length].put(`after-stop-${i}`, bytes(`s${i}`))
      }
      await cluster.converged(size - 1)
      for (let i = 0; i < 10; i++) {
        await live[(i + 1) % live.length].put(`after-detect-${i}`, bytes(`d${i}`))
      }
      for (const node of live) {
        for (let i = 0; i < 20; i++) assert.equal((await node.get(`k${i}`)).found, true, `k${i} via ${node.peerId}`)
        for (let i = 0; i < 10; i++) assert.deepEqual((await node.get(`after-stop-${i}`)).values.map(text), [`s${i}`])
      }
      const back = await cluster.add({}, dir)
      assert.equal(back.peerId, victim.peerId, 'the restarted peer keeps its identity')
      await cluster.converged(size)
      for (let i = 0; i < 20; i++) {
        assert.deepEqual((await back.get(`k${i}`)).values.map(text), [`v${i}`])
      }
      for (let i = 0; i < 10; i++) {
        assert.deepEqual((await back.get(`after-detect-${i}`)).values.map(text), [`d${i}`])
      }
    })
  })
}

describe('quorums', () => {
  test('too few live replicas: QuorumNotMet with how many answered, not a hang', async () => {
    const cluster = await startCluster(2, { n: 3, r: 3, w: 3, requestTimeoutMs: 2000 })
    try {
      await cluster.converged(2)
      const [a] = cluster.nodes
      await assert.rejects(a.put('k', bytes('v')), (err: any) => {
        assert.equal(err.code, 'ERR_QUORUM_NOT_MET')
        assert.equal(err.detail.required, 3)
        assert.equal(err.detail.available, 2)
        assert.match(err.message, /only 2 live replicas/)
        return true
      })
      await assert.rejects(a.get('k'), { code: 'ERR_QUORUM_NOT_MET' })
      // a per-request quorum within what is live works
      await a.put('k', bytes('v'), { w: 2 })
      assert.deepEqual((await a.get('k', { r: 2 })).values.map(text), ['v'])
      await assert.rejects(a.get('k', { r: 4 }), { code: 'ERR_INVALID_ARGUMENT' })
    } finally {
      await cluster.stop()
    }
  })

  test('replicas that died but are not yet detected: the write fails with who answered and who did not', async () => {
    const cluster = await startCluster(3, { n: 3, r: 2, w: 2, memberTimeoutMs: 60_000, requestTimeoutMs: 3000 })
    try {
      await cluster.converged(3)
      const [a, b, c] = cluster.nodes
      await b.stop({ announce: false })
      await c.stop({ announce: false })
      const started = Date.now()
      await assert.rejects(a.put('k', bytes('v')), (err: any) => {
        assert.equal(err.code, 'ERR_QUORUM_NOT_MET')
        assert.equal(err.detail.required, 2)
        assert.ok(err.detail.received <= 1)
        return true
      })
      assert.ok(Date.now() - started < 10_000, 'failed within the deadline')
    } finally {
      await cluster.stop()
    }
  })

  test('read repair brings a replica that missed a write up to date', async () => {
    const cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    try {
      await cluster.converged(3)
      const [a, b, c] = cluster.nodes
      await a.put('repair-me', bytes('v1'), { w: 3 })
      const cDir = cluster.dirs[2]
      await c.stop()
      const { context } = await a.get('repair-me')
      await b.put('repair-me', bytes('v2'), { context })
      const back = await cluster.add({}, cDir)
      await cluster.converged(3)
      const stale = await back.localRecord('repair-me')
      assert.deepEqual(stale?.entries.flatMap(e => e.values).map(s => text(s.value as Uint8Array)), ['v1'])
      assert.deepEqual((await a.get('repair-me', { r: 3 })).values.map(text), ['v2'])
      await waitFor('read repair of the restarted replica', async () => {
        const rec = await back.localRecord('repair-me')
        return rec?.entries.flatMap(e => e.values).map(s => text(s.value as Uint8Array)).join() === 'v2'
      })
      // counted once every repair of that read has settled, a moment after the replica has it
      await waitFor('the repair counted', () => cluster.nodes.some(n => n.metrics.counter('meshkv_read_repairs_total') > 0), 5_000)
    } finally {
      await cluster.stop()
    }
  })
})
