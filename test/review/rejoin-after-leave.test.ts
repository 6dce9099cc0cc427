/**
 * A peer that left (its keys pushed to their new owners) and is started
 * again on the same data dir must join afresh: without pulling it would be
 * up at once with its old tokens, serving ranges it holds only as they were
 * when it left (writes since missing), and its old values, whose deletes
 * the others may have collected since, would be pushed back by
 * anti-entropy and the handover.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, waitFor, isRunning } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

let cluster: TestCluster | undefined
after(async () => { await cluster?.stop() })

test('restarted on its data dir after leaving, a peer joins again and holds nothing from before it left', async () => {
  cluster = await startCluster(4, { n: 3, r: 2, w: 2, antiEntropyIntervalMs: 0 })
  await cluster.converged(4)
  for (let i = 0; i < 20; i++) await cluster.nodes[0].put(`key-${i}`, bytes(`old-${i}`), { w: 3 })
  const leaver = cluster.nodes[1]
  const dir = cluster.dirs[1]
  await leaver.leave()
  assert.equal(leaver.status().transfer?.leave?.failed, 0)
  const rest = cluster.nodes.filter(n => isRunning(n))
  await waitFor('the others took the leaver out of their rings', () => rest.every(n => n.status().ringSize === 3))
  const back = await cluster.add({}, dir)
  assert.equal(back.peerId, leaver.peerId)
  assert.equal(back.status().transfer?.state, 'joining', 'it joins, pulling its ranges, instead of coming up with what it held')
  let held = 0
  for (let i = 0; i < 20; i++) if (await back.localRecord(`key-${i}`) !== undefined) held++
  assert.equal(held, 0, 'nothing from before the leave is served or pushed')
  await back.ready()
})

test('a lone peer that leaves pushed its keys nowhere: restarted on its data dir, it still has them', async () => {
  await cluster?.stop()
  cluster = await startCluster(1, { n: 1, r: 1, w: 1 })
  const [only] = cluster.nodes
  await only.put('kept', bytes('across a leave'))
  await only.leave()
  const back = await cluster.add({}, cluster.dirs[0])
  assert.ok(await back.localRecord('kept') !== undefined)
})
