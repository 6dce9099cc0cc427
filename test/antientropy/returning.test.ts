/**
 * A co-replica that comes back (seen down, now up) gets what it missed soon,
 * not at the next anti-entropy period.
 * - By hints: with no spare to stand in (3 peers, N=3), the coordinating
 *   owner keeps a hint for the down owner itself, delivered once it is back.
 * - By anti-entropy, where no hint could be kept (here: hint stores of one
 *   hint, full): a co-replica exchanges with a returned peer within seconds,
 *   with the periodic exchange off.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode, NodeOptions } from '../../src/node.js'

const clusters: TestCluster[] = []
after(async () => { await Promise.all(clusters.map(async c => { await c.stop() })) })

/** three peers, c stopped and seen down, `keys` written at a with W=2 (then `whileDown`); then c back from its own dir */
async function missedWhileDown (options: Partial<NodeOptions>, keys: string[], whileDown?: (a: MeshNode, down: string) => void): Promise<{ a: MeshNode, b: MeshNode, back: MeshNode }> {
  const cluster = await startCluster(3, { n: 3, r: 2, w: 2, antiEntropyIntervalMs: 0, ...options })
  clusters.push(cluster)
  await cluster.converged(3)
  const [a, b, c] = cluster.nodes
  const dirC = cluster.dirs[2]
  await c.stop({ announce: false })
  await waitFor('a and b see c down', () => [a, b].every(n => n.members().find(m => m.id === c.peerId)?.state === 'down'))
  for (const k of keys) await a.put(k, bytes(k), { w: 2 })
  whileDown?.(a, c.peerId)
  cluster.nodes.splice(cluster.nodes.indexOf(c), 1)
  const back = await cluster.add({}, dirC)
  return { a, b, back }
}

async function holdsAll (node: MeshNode, keys: string[]): Promise<boolean> {
  for (const k of keys) if (await node.localRecord(k) === undefined) return false
  return true
}

describe('a replica back from down', () => {
  test('no spare to stand in: the coordinating owner keeps the hints itself, and hands them over', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `hinted-${i}`)
    const { a, back } = await missedWhileDown({}, keys, (a, down) => {
      assert.deepEqual(a.status().hints?.byOwner, { [down]: keys.length }, 'a hint for c per write, at the coordinator')
    })
    await waitFor('c, back, holds every write it missed', async () => holdsAll(back, keys), 20_000, 200)
    await waitFor('and the hints are gone', () => a.status().hints?.pending === 0, 10_000)
    // a hint leaves the count before its durable delete, and is counted
    // delivered after it: the last one can be a LevelDB round trip behind
    await waitFor('every delivery counted', () => a.status().hints?.delivered === keys.length, 2_000)
    assert.equal(a.status().hints?.delivered, keys.length)
  })

  test('no hint could be kept: it gets what it missed by anti-entropy at once, with the periodic exchange off', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `missed-${i}`)
    const { a, b, back } = await missedWhileDown({ maxHints: 1 }, keys)
    await waitFor('c, back, holds every write it missed', async () => holdsAll(back, keys), 20_000, 200)
    const repaired = [a, b].reduce((sum, n) => sum + (n.status().antiEntropy?.keysRepaired ?? 0), 0)
    assert.ok(repaired >= keys.length - 1, `anti-entropy repaired them (${repaired} keys; one had a hint)`)
  })
})
