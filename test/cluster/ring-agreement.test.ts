/**
 * Every peer builds the same ring from the announced tokens: each member
 * holds a share on every peer, and the shares agree. (Announced tokens past
 * 2^63 once decoded as negative numbers: every rebuild failed and each peer
 * kept a ring of itself alone.)
 */
import '../../src/shim.js'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

let c: TestCluster
before(async () => {
  c = await startCluster(4, { n: 3, r: 2, w: 2 })
  await c.converged(4)
})
after(async () => { await c.stop() })

test('four peers agree on a ring of four, from announced tokens', async () => {
  const shares = (): Array<Record<string, number>> => c.nodes.map(n =>
    Object.fromEntries(n.status().members.map(m => [m.id, Number((m as { share?: number }).share ?? 0)])))
  await waitFor('every peer sees every member with a ring share', () =>
    shares().every(s => Object.keys(s).length === 4 && Object.values(s).every(v => v > 0)), 15_000)
  const [first, ...rest] = shares()
  for (const s of rest) assert.deepEqual(s, first)
  const total = Object.values(first).reduce((a, b) => a + b, 0)
  assert.ok(Math.abs(total - 1) < 0.01, `shares sum to ${total}`)
  for (const n of c.nodes) {
    const prefs = c.nodes.map(m => m.preferenceList('some-key').join(','))
    assert.equal(new Set(prefs).size, 1, 'one preference list everywhere')
    assert.equal(n.preferenceList('some-key').length, 3)
  }
})
