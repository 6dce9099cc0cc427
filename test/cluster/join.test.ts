/**
 * Joining with range transfer: a new peer hears the ring, announces its
 * tokens while joining, pulls its arcs from their holders, and only then is
 * up, so every key reads through it at once. A joiner stopped mid-transfer
 * resumes from its stored cursors.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, text, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

const KEYS = 150

async function unreadable (node: MeshNode, keys: number): Promise<string[]> {
  const missing: string[] = []
  for (let i = 0; i < keys; i++) {
    const got = await node.get(`key-${i}`, { r: 2 })
    if (!got.found || !got.values.map(text).includes(`value-${i}`)) missing.push(`key-${i}`)
  }
  return missing
}

describe('joining peers pull their ranges before they are up', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('3 peers take 150 writes, 2 join: every key reads at R=2 through a new peer right after it is up', async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    await cluster.converged(3)
    for (let i = 0; i < KEYS; i++) await cluster.nodes[i % 3].put(`key-${i}`, bytes(`value-${i}`))
    for (let j = 0; j < 2; j++) {
      const joiner = await cluster.add()
      assert.equal(joiner.members().find(m => m.self)?.state, 'joining')
      await joiner.ready()
      assert.equal(joiner.members().find(m => m.self)?.state, 'up')
      const t = joiner.status().transfer
      assert.ok(t !== undefined && t.arcsTotal > 0 && t.arcsFailed === 0, `transfer status ${JSON.stringify(t)}`)
      assert.ok(t.keys > 0, 'the joiner pulled keys')
      assert.ok(joiner.preferenceList('key-0').length === 3)
    }
    for (const joiner of cluster.nodes.slice(3)) {
      assert.deepEqual(await unreadable(joiner, KEYS), [])
    }
  })
})

/** how many of the keys each node holds locally */
async function held (nodes: MeshNode[], keys: number): Promise<number[]> {
  return Promise.all(nodes.map(async n => {
    let count = 0
    for (let i = 0; i < keys; i++) if (await n.localRecord(`key-${i}`) !== undefined) count++
    return count
  }))
}

describe('after joins, old holders hand over and drop what they no longer own', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('every key ends on exactly its n owners, still reads, and a join moves about 1/(n+1) of the copies', async (t) => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2, dropAfterStableMs: 1000, dropRate: 2000 })
    await cluster.converged(3)
    for (let i = 0; i < KEYS; i++) await cluster.nodes[i % 3].put(`key-${i}`, bytes(`value-${i}`), { w: 3 })
    for (let j = 0; j < 2; j++) {
      const peers = cluster.nodes.length
      const joiner = await cluster.add()
      await joiner.ready()
      // copies moved to the joiner, against the ideal 1/(peers+1) of all n copies
      const moved = (await held([joiner], KEYS))[0] / (KEYS * 3)
      t.diagnostic(`join ${peers}->${peers + 1}: ${(moved * 100).toFixed(1)}% of copies moved, ideal ${(100 / (peers + 1)).toFixed(1)}%`)
      assert.ok(moved > 0.5 / (peers + 1) && moved < 2 / (peers + 1), `moved ${moved}`)
    }
    await cluster.converged(5)
    await waitFor('every ring has 5 peers', () => cluster.nodes.every(n => n.status().ringSize === 5))
    await waitFor('each key on exactly 3 peers', async () => (await held(cluster.nodes, KEYS)).reduce((a, b) => a + b, 0) === KEYS * 3, 30_000, 500)
    const byId = new Map(cluster.nodes.map(n => [n.peerId, n]))
    for (let i = 0; i < KEYS; i++) {
      for (const owner of cluster.nodes[0].preferenceList(`key-${i}`)) {
        assert.ok(await byId.get(owner)?.localRecord(`key-${i}`) !== undefined, `key-${i} on its owner`)
      }
    }
    assert.ok(cluster.nodes.slice(0, 3).some(n => (n.status().transfer?.dropped ?? 0) > 0))
    for (const node of cluster.nodes) assert.deepEqual(await unreadable(node, KEYS), [])
  })
})

describe('a joiner stopped mid-transfer', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('resumes from its cursor after a restart, and ends up with every key', async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    await cluster.converged(3)
    for (let i = 0; i < KEYS; i++) await cluster.nodes[i % 3].put(`key-${i}`, bytes(`value-${i}`))
    // a batch of about one record: the transfer takes many round trips
    const joiner = await cluster.add({ transferBatchBytes: 1 })
    const dir = cluster.dirs[cluster.dirs.length - 1]
    await waitFor('some keys pulled', () => (joiner.status().transfer?.keys ?? 0) >= 10, 15_000, 2)
    const before = joiner.status().transfer?.keys ?? 0
    await joiner.stop({ announce: false })
    assert.ok(before < KEYS, `stopped after ${before} keys`)
    const again = await cluster.add({ transferBatchBytes: 1 }, dir)
    assert.equal(again.members().find(m => m.self)?.state, 'joining')
    await again.ready()
    const t = again.status().transfer
    assert.ok(t !== undefined && t.resumed > 0, `resumed pulls: ${JSON.stringify(t)}`)
    assert.equal(again.members().find(m => m.self)?.state, 'up')
    assert.deepEqual(await unreadable(again, KEYS), [])
  })
})
