/**
 * Review: an export taken while a member is leaving reads that member too.
 * A leaving member is alive and still holds every key it has not handed
 * over yet (with n=1, the only copy): skipping it as if it were down would
 * leave its keys out of a backup for the whole length of its handover.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { Membership } from '../../src/membership/membership.js'

describe('export while a member is leaving', () => {
  let cluster: TestCluster

  before(async () => {
    cluster = await startCluster(2, { n: 1, r: 1, w: 1, antiEntropyIntervalMs: 0 })
    await cluster.converged(2)
  })

  after(async () => { await cluster.stop() })

  test('holds the keys only the leaving member has', async () => {
    const [a, b] = cluster.nodes
    const keys = Array.from({ length: 30 }, (_, i) => `k/${i}`)
    for (const k of keys) await a.put(k, bytes(k))
    const onB = keys.filter(k => b.preferenceList(k)[0] === b.peerId)
    assert.ok(onB.length > 0, 'some keys are held by b alone')
    // b says it leaves (its handover not run): it still holds its keys
    await ((b as unknown as { membership: Membership }).membership).announceLeaving()
    await waitFor('a sees b leaving', () => a.members().some(m => m.id === b.peerId && m.state === 'leaving'))
    const { skipped, records } = a.exportScan()
    const exported = new Set<string>()
    for await (const [key] of records) exported.add(key)
    assert.deepEqual(keys.filter(k => !exported.has(k)), [], `skipped: ${skipped.join(',')}`)
  })
})
