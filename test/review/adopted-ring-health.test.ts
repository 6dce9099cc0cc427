/**
 * A joiner that adopts the cluster's tokensPerUnit rebuilds its placement:
 * the new one must still know members' health, or every down owner looks
 * healthy (no stand-in, no hint: sloppy quorum off on that peer).
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { Health } from '../../src/coordinator/placement.js'

let cluster: TestCluster | undefined
after(async () => { await cluster?.stop() })

test('a joiner that adopted tokensPerUnit still sees an unknown peer as down', async () => {
  cluster = await startCluster(0, { n: 1, r: 1, w: 1 })
  const a = await cluster.add({ tokensPerUnit: 7 })
  const b = await cluster.add({ tokensPerUnit: undefined })
  await waitFor('b adopts tokensPerUnit', () => b.status().tokensPerUnit === 7)
  await b.ready()
  const placement = (b as unknown as { placement: { health: (id: string) => Health } }).placement
  assert.equal(placement.health(a.peerId), 'healthy')
  assert.equal(placement.health('12D3KooWnobody'), 'down', 'health comes from membership after the rebuild')
})
