/**
 * node.ready() must not drop the hint store and its delivery: a joiner's
 * tests and tools await ready(), and after it the peer still stands in for
 * down owners (hints kept by the handover, delivered, shown in status,
 * stopped on stop()).
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

let cluster: TestCluster | undefined
after(async () => { await cluster?.stop() })

test('after ready() a peer still keeps hints: status shows them and the handover keep hook sees them', async () => {
  cluster = await startCluster(1, { n: 1, r: 1, w: 1 })
  const [a] = cluster.nodes
  await a.ready()
  assert.ok(a.status().hints !== undefined, 'hint status after ready()')
  const hints = (a as unknown as { healing?: { hints?: { add: (owner: string, key: string) => Promise<void> } } }).healing?.hints
  assert.ok(hints !== undefined, 'the hint store is still there after ready()')
  await hints.add('some-owner', 'k')
  const keep = (a as unknown as { keepKey: (key: string) => boolean | Promise<boolean> }).keepKey
  assert.equal(await keep('k'), true, 'the handover keeps a key held for a down owner')
})
