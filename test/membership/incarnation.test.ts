/**
 * Incarnations come from the data dir, not the clock: a peer restarted after
 * its clock stepped back is still newer than its last run, so the others
 * take it back at once instead of leaving it down until they forget it.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

let cluster: TestCluster
after(async () => { await cluster?.stop() })

test('a peer restarted with its clock an hour back is up again for the others, with a higher incarnation', async () => {
  cluster = await startCluster(3)
  await cluster.converged()
  const victim = cluster.nodes[2]
  const id = victim.peerId
  const before = cluster.nodes[0].members().find(m => m.id === id)?.incarnation ?? NaN
  await victim.stop({ announce: false })
  await waitFor('the others see it down', () => cluster.nodes[0].members().find(m => m.id === id)?.state === 'down')
  const realNow = Date.now
  Date.now = () => realNow() - 3_600_000
  let restarted
  try {
    restarted = await cluster.add({}, cluster.dirs[2])
  } finally {
    Date.now = realNow
  }
  assert.equal(restarted.peerId, id)
  await waitFor('the others see it up again', () => cluster.nodes.slice(0, 2).every(n => n.members().find(m => m.id === id)?.state === 'up'), 10_000)
  const after = cluster.nodes[0].members().find(m => m.id === id)?.incarnation ?? NaN
  assert.equal(after, before + 1, 'the incarnation is the stored one plus one')
})
