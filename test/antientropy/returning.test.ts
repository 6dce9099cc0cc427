/**
 * A co-replica that comes back (seen down, now up) is exchanged with soon,
 * not at the next anti-entropy period: with the background exchange off,
 * a replica that missed writes no hint covered (3 peers, N=3: no spare to
 * hold a hint) has them again seconds after it returns.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

let cluster: TestCluster
after(async () => { await cluster?.stop() })

test('a replica back from down gets what it missed at once, with the periodic exchange off', async () => {
  cluster = await startCluster(3, { n: 3, r: 2, w: 2, antiEntropyIntervalMs: 0 })
  await cluster.converged(3)
  const [a, b, c] = cluster.nodes
  const dirC = cluster.dirs[2]
  await c.stop({ announce: false })
  await waitFor('a and b see c down', () => [a, b].every(n => n.members().find(m => m.id === c.peerId)?.state === 'down'))
  const keys = Array.from({ length: 30 }, (_, i) => `missed-${i}`)
  for (const k of keys) await a.put(k, bytes(k), { w: 2 })
  assert.equal(a.status().hints?.pending ?? 0, 0, 'no spare: no hint covers these writes')
  cluster.nodes.splice(cluster.nodes.indexOf(c), 1)
  const back = await cluster.add({}, dirC)
  await waitFor('c, back, holds every write it missed', async () => {
    for (const k of keys) if (await back.localRecord(k) === undefined) return false
    return true
  }, 20_000, 200)
  const repaired = [a, b].reduce((sum, n) => sum + (n.status().antiEntropy?.keysRepaired ?? 0), 0)
  assert.ok(repaired >= keys.length, `anti-entropy repaired them (${repaired} keys)`)
})
