/**
 * The handover after a join: an old holder drops a key it no longer owns
 * only once the key's owners have it, and never a key its keep hook claims
 * (a hint it holds for a down owner).
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, text, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

let cluster: TestCluster
after(async () => { await cluster?.stop() })

test('after a join, old holders drop what the joiner now owns, except keys the keep hook claims', async () => {
  cluster = await startCluster(2, { n: 1, r: 1, w: 1, dropAfterStableMs: 500, dropRate: 5000 })
  await cluster.converged(2)
  const keys = Array.from({ length: 120 }, (_, i) => i % 2 === 0 ? `kept-${i}` : `plain-${i}`)
  for (const k of keys) await cluster.nodes[0].put(k, bytes(k))
  for (const n of cluster.nodes) (n as unknown as { keepKey: (k: string) => boolean }).keepKey = k => k.startsWith('kept-')
  const holderOf = new Map(keys.map(k => [k, cluster.nodes[0].preferenceList(k)[0]]))
  const joiner = await cluster.add()
  await joiner.ready()
  await waitFor('every ring has 3 peers', () => cluster.nodes.every(n => n.status().ringSize === 3))
  const moved = keys.filter(k => joiner.preferenceList(k)[0] === joiner.peerId)
  assert.ok(moved.length > 10, `${moved.length} keys moved to the joiner`)
  const byId = new Map(cluster.nodes.map(n => [n.peerId, n]))
  const oldHolder = (k: string): MeshNode => byId.get(holderOf.get(k) as string) as MeshNode
  await waitFor('plain keys dropped by their old holders', async () => {
    for (const k of moved.filter(k => k.startsWith('plain-'))) if (await oldHolder(k).localRecord(k) !== undefined) return false
    return true
  }, 20_000, 200)
  for (const k of moved) {
    assert.ok(await joiner.localRecord(k) !== undefined, `${k} on the joiner`)
    if (k.startsWith('kept-')) assert.ok(await oldHolder(k).localRecord(k) !== undefined, `${k} kept by its old holder`)
    assert.deepEqual((await cluster.nodes[0].get(k)).values.map(text), [k])
  }
})
