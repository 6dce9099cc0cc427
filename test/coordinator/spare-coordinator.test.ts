/**
 * Every target of a key fails (here: three owners whose replicas refuse at
 * once while their membership goes on, as connections closing at the start
 * of a partition not yet detected): the coordinator falls back to a spare
 * further along the ring, which coordinates the write, keeps its copy as
 * hints for the owners, and backs up the failing owners with another spare,
 * so W is still met by the peers that live.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, findKey } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

/** The peer's replica fails every request at once (a closed channel); its membership goes on. */
function failing (node: MeshNode): void {
  const replica = (node as unknown as { coordinator: { init: { replica: Record<string, unknown> } } }).coordinator.init.replica
  const refuse = async (): Promise<never> => { throw new Error('injected: channel closed') }
  replica.localGet = refuse
  replica.localSync = refuse
  replica.coordinatePut = refuse
}

let cluster: TestCluster
after(async () => { await cluster?.stop() })

test('all three owners fail: a spare coordinates, W=2 is met by two spares, with hints for the owners', async () => {
  cluster = await startCluster(5, { n: 3, r: 2, w: 2, antiEntropyIntervalMs: 0 })
  await cluster.converged(5)
  const [d, e] = cluster.nodes.slice(3)
  const key = findKey(d, 'spare', prefs => !prefs.includes(d.peerId) && !prefs.includes(e.peerId))
  const owners = d.preferenceList(key)
  for (const n of cluster.nodes.filter(n => owners.includes(n.peerId))) failing(n)
  const put = await d.put(key, bytes('written while every owner hangs'), { timeoutMs: 4000 })
  assert.deepEqual([...put.acked].sort(), [d.peerId, e.peerId].sort())
  const held = d.status().hints
  assert.ok(held !== undefined && held.pending >= 1, `the coordinating spare keeps its copy as hints: ${JSON.stringify(held)}`)
  assert.ok(await e.localRecord(key) !== undefined, 'the other spare holds the write')
})
