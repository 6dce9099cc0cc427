/**
 * Tombstone collection with real peers (3 peers, N=3, a short grace; the
 * background pass is slowed down and passes are driven with
 * collectTombstonesNow): every delete is reaped, none comes back on reads
 * at R=1 from any replica, a replica that was down during the deletes keeps
 * them from being collected until it has them, and a write after a
 * collection is not lost to a replica that has not collected yet.
 */
import { afterEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { bytes, startCluster, text, waitFor } from '../fixtures/cluster.js'
import { onlyTombstones } from '../../src/tombstones/decision.js'
import type { MeshNode } from '../../src/node.js'
import type { TestCluster } from '../fixtures/cluster.js'

const GRACE_MS = 300
/**
 * Past the grace by a margin: the collector's clock (GraceClock: the start's
 * whole-ms wall time plus monotonic time) may run up to a millisecond behind
 * Date.now(), and a timer may fire a millisecond early, so a delete acknowledged
 * within a millisecond or two of its timestamp was sometimes still young
 */
const PAST_GRACE_MS = GRACE_MS + 50
const OPTIONS = { n: 3, r: 2, w: 2, tombstoneGraceMs: GRACE_MS, tombstoneScanMs: 3_600_000, requestTimeoutMs: 5_000 }

async function storedOn (nodes: MeshNode[], keys: string[]): Promise<number> {
  let n = 0
  for (const node of nodes) for (const k of keys) if (await node.localRecord(k) !== undefined) n++
  return n
}

/** Passes on every node until no key is stored anywhere; the number of rounds it took. */
async function reapAll (nodes: MeshNode[], keys: string[], rounds = 5): Promise<number> {
  for (let round = 1; round <= rounds; round++) {
    for (const node of nodes) await node.collectTombstonesNow()
    if (await storedOn(nodes, keys) === 0) return round
  }
  throw new Error(`after ${rounds} rounds, ${await storedOn(nodes, keys)} records are still stored`)
}

/** No deleted value is seen by a read at R=1 through any node. */
async function noneResurrects (nodes: MeshNode[], keys: string[]): Promise<void> {
  for (const node of nodes) {
    for (const k of keys) {
      const got = await node.get(k, { r: 1 })
      assert.equal(got.found, false, `${k} came back through ${node.peerId}: ${got.values.map(text).join(',')}`)
    }
  }
}

describe('tombstone collection (3 peers, N=3)', () => {
  let cluster: TestCluster | undefined
  afterEach(async () => { await cluster?.stop() })

  test('every tombstone of many deletes is reaped after the grace, and none comes back', async () => {
    cluster = await startCluster(3, OPTIONS)
    await cluster.converged(3)
    const [a, b, c] = cluster.nodes
    const keys = Array.from({ length: 60 }, (_, i) => `del-${i}`)
    for (const [i, k] of keys.entries()) {
      const via = cluster.nodes[i % 3]
      const put = await via.put(k, bytes(`old-${i}`), { w: 3 })
      await cluster.nodes[(i + 1) % 3].delete(k, { context: put.context, w: 3 })
    }
    assert.equal(await storedOn([a, b, c], keys), 180)
    await new Promise(resolve => setTimeout(resolve, PAST_GRACE_MS))
    await reapAll([a, b, c], keys)
    const total = [a, b, c].reduce((n, node) => n + node.status().tombstones.collected, 0)
    assert.equal(total, 180)
    for (const node of [a, b, c]) assert.equal(node.status().tombstones.pending, 0)
    assert.equal(a.metrics.counter('meshkv_tombstones_collected_total'), a.status().tombstones.collected)
    await noneResurrects([a, b, c], keys)
  })

  test('a replica down during the deletes: nothing is collected while it is stale, everything once it has them', async () => {
    cluster = await startCluster(3, OPTIONS)
    await cluster.converged(3)
    const [a, b, c] = cluster.nodes
    const keys = Array.from({ length: 20 }, (_, i) => `gone-${i}`)
    const contexts: string[] = []
    for (const [i, k] of keys.entries()) contexts.push((await a.put(k, bytes(`old-${i}`), { w: 3 })).context)
    const cDir = cluster.dirs[2]
    await c.stop({ announce: false })
    await waitFor('c seen down', () => [a, b].every(n => n.members().some(m => m.id === c.peerId && m.state === 'down')))
    for (const [i, k] of keys.entries()) await a.delete(k, { context: contexts[i], w: 2 })
    // a, coordinating, keeps a hint for c of every delete (no spare could stand
    // in): dropped here, so c comes back stale as after a lost stand-in
    for (const node of [a, b]) {
      const hints = (node as unknown as { healing: { hints: { delete: (owner: string, key: string) => Promise<boolean> } } }).healing.hints
      for (const k of keys) await hints.delete(c.peerId, k)
    }
    await new Promise(resolve => setTimeout(resolve, PAST_GRACE_MS))
    // c is down: it may be the one that missed the deletes (it is), so nothing goes
    for (const node of [a, b]) {
      const pass = await node.collectTombstonesNow()
      assert.equal(pass.collected, 0)
      assert.equal(pass.blocked, keys.length)
    }
    assert.ok(a.metrics.counter('meshkv_tombstones_blocked_total', { reason: 'silent' }) >= keys.length)
    // c is back, still holding the old values: still nothing goes
    const c2 = await cluster.add({}, cDir)
    assert.equal(c2.peerId, c.peerId)
    await cluster.converged(3)
    for (const k of keys) assert.equal(onlyTombstones((await c2.localRecord(k))!), false)
    for (const node of [a, b, c2]) assert.equal((await node.collectTombstonesNow()).collected, 0)
    assert.equal(await storedOn([a, b, c2], keys), 60)
    // read repair at R=3 brings c the deletes (anti-entropy is not relied on here)
    for (const k of keys) assert.equal((await a.get(k, { r: 3 })).found, false)
    await waitFor('c holds every delete', async () => {
      for (const k of keys) {
        const r = await c2.localRecord(k)
        if (r === undefined || !onlyTombstones(r)) return false
      }
      return true
    }, 10_000)
    await reapAll([a, b, c2], keys)
    await noneResurrects([a, b, c2], keys)
  })

  test('a blind write after one replica collected is not lost to the replicas that have not', async () => {
    cluster = await startCluster(3, OPTIONS)
    await cluster.converged(3)
    const [a, b, c] = cluster.nodes
    const put = await a.put('again', bytes('first'), { w: 3 })
    await a.delete('again', { context: put.context, w: 3 })
    // inside the grace, nothing goes
    for (const node of [a, b, c]) assert.equal((await node.collectTombstonesNow()).collected, 0)
    await new Promise(resolve => setTimeout(resolve, PAST_GRACE_MS))
    assert.equal((await a.collectTombstonesNow()).collected, 1)
    assert.notEqual(await b.localRecord('again'), undefined)
    // a coordinates (it is a replica and goes first) with no record of the key: a fresh key epoch, not a dot it minted before
    await a.put('again', bytes('second'), { w: 3 })
    for (const node of [a, b, c]) {
      const got = await node.get('again', { r: 1 })
      assert.deepEqual(got.values.map(text), ['second'], `through ${node.peerId}`)
    }
    assert.deepEqual((await a.get('again', { r: 3 })).values.map(text), ['second'])
  })

  test('the background pass reaps on its own, and status says so', async () => {
    cluster = await startCluster(3, { ...OPTIONS, tombstoneScanMs: 200 })
    await cluster.converged(3)
    const [a, b, c] = cluster.nodes
    const keys = Array.from({ length: 10 }, (_, i) => `bg-${i}`)
    for (const k of keys) {
      const put = await a.put(k, bytes('x'), { w: 3 })
      await b.delete(k, { context: put.context, w: 3 })
    }
    await waitFor('every delete reaped by the background passes', async () => await storedOn([a, b, c], keys) === 0, 15_000, 100)
    // a removal is visible to a (synchronous) read once LevelDB's worker
    // thread applied it, a moment before the pass that made it counts it
    await waitFor('every reaped delete counted', () => [a, b, c].reduce((n, node) => n + node.status().tombstones.collected, 0) >= 30, 5_000, 20)
    const statuses = [a, b, c].map(n => n.status().tombstones)
    assert.equal(statuses.reduce((n, t) => n + t.collected, 0), 30)
    for (const t of statuses) assert.ok(t.lastScan !== undefined && t.lastScan <= Date.now())
    await noneResurrects([a, b, c], keys)
  })

  test('read repair does not copy an expired delete back to a replica that collected it', async () => {
    cluster = await startCluster(3, OPTIONS)
    await cluster.converged(3)
    const [a, b] = cluster.nodes
    const put = await a.put('reaped', bytes('old'), { w: 3 })
    await a.delete('reaped', { context: put.context, w: 3 })
    await new Promise(resolve => setTimeout(resolve, PAST_GRACE_MS))
    assert.equal((await a.collectTombstonesNow()).collected, 1)
    const repairs = b.metrics.counter('meshkv_read_repairs_total')
    assert.equal((await b.get('reaped', { r: 3 })).found, false)
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.equal(await a.localRecord('reaped'), undefined)
    assert.equal(b.metrics.counter('meshkv_read_repairs_total'), repairs)
  })
})
