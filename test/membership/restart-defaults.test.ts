/**
 * A member the cluster knows, restarted on other defaults (it set no n, so
 * it starts on 3 where the cluster runs 5), is ignored by the others until
 * it adopts their settings: they must tell it theirs at once, not at their
 * next periodic announcement. Real peers on 127.0.0.1; the periodic
 * announcement is a minute away and nobody is suspected, so only a prompt
 * can bring the settings in time.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

/** probe period 100 ms: a member in one state for 30 of them (3 s) is settled, and its new subscription prompts nobody */
const SLOW_ANNOUNCE = { n: 5, heartbeatMs: 100, memberTimeoutMs: 30_000, phiThreshold: 1_000_000, announceMs: 60_000 }

describe('a known member restarted on other defaults', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('adopts the cluster\'s settings and is heard again without waiting for a periodic announcement', async () => {
    cluster = await startCluster(2, SLOW_ANNOUNCE)
    await cluster.converged()
    const member = await cluster.add({ n: undefined })
    await cluster.converged(3)
    await waitFor('the member adopts n=5', () => member.quorums.n === 5)
    const dir = cluster.dirs[2]
    const incarnation = cluster.nodes[0].members().find(m => m.id === member.peerId)?.incarnation
    // settled: its state has not changed for more than 30 probe periods
    await new Promise(resolve => setTimeout(resolve, 3_500))
    // as a crash and a quick restart look: no leaving announcement, back before anyone suspects it
    await member.stop({ announce: false })
    const restarted = await cluster.add({ n: undefined }, dir)
    assert.equal(restarted.peerId, member.peerId)
    await waitFor('the restarted member adopts n=5', () => restarted.quorums.n === 5, 10_000)
    await waitFor('the others hear its new incarnation', () => cluster.nodes.slice(0, 2).every(n =>
      (n.members().find(m => m.id === restarted.peerId)?.incarnation ?? 0) > (incarnation ?? Infinity)), 10_000)
  })
})
