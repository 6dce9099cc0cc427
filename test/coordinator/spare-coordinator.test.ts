/**
 * Every target of a key fails (here: three owners whose replicas refuse at
 * once while their membership goes on, as connections closing at the start
 * of a partition not yet detected): the coordinator falls back to a spare
 * further along the ring, which coordinates the write, keeps its copy as
 * hints for the owners, and backs up the failing owners with another spare,
 * so W is still met by the peers that live. The same when the owners are
 * silent and suspect rather than failing (a partition not yet decided): the
 * spare is tried beside the last silent owner, not after the deadline.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, findKey } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

/**
 * The peer's replica fails every request (a closed channel): at once, or
 * after `silentMs` of silence (a partition, until the caller's deadline);
 * its membership goes on.
 */
function failing (node: MeshNode, silentMs = 0): void {
  const replica = (node as unknown as { coordinator: { init: { replica: Record<string, unknown> } } }).coordinator.init.replica
  const refuse = async (): Promise<never> => {
    await new Promise(resolve => setTimeout(resolve, silentMs))
    throw new Error('injected: channel closed')
  }
  replica.localGet = refuse
  replica.localSync = refuse
  replica.coordinatePut = refuse
}

/** `node` sees these peers as suspect (a partition its failure detector has not decided yet) */
function suspects (node: MeshNode, peers: string[]): void {
  const placement = (node as unknown as { coordinator: { init: { placement: { health: (p: string) => string } } } }).coordinator.init.placement
  const health = placement.health.bind(placement)
  placement.health = p => peers.includes(p) ? 'suspect' : health(p)
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

test('all three owners suspect and silent (a partition not yet decided): a spare takes the write before the deadline', async () => {
  const [d, e] = cluster.nodes.slice(3)
  const key = findKey(d, 'suspect', prefs => !prefs.includes(d.peerId) && !prefs.includes(e.peerId))
  const owners = d.preferenceList(key)
  for (const n of cluster.nodes.filter(n => owners.includes(n.peerId))) failing(n, 10_000)
  for (const n of [d, e]) suspects(n, owners)
  const started = performance.now()
  const put = await d.put(key, bytes('written while every owner is silent'), { timeoutMs: 4000 })
  assert.ok(performance.now() - started < 4000)
  assert.deepEqual([...put.acked].sort(), [d.peerId, e.peerId].sort(), 'the spares took it')
  const hinted = [d, e].reduce((sum, n) => sum + (n.status().hints?.pending ?? 0), 0)
  assert.ok(hinted >= owners.length, `every owner has a hint at a spare (${hinted} hints)`)
})
