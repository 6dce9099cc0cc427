/**
 * Sloppy quorum and hinted handoff with real peers (4 peers, N=3): while an
 * owner is down its writes go to the next healthy peer with a hint, count
 * toward W, show in status, survive the stand-in's restart, and are handed
 * to the owner when it is back; then the stand-in drops its copy.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, text, waitFor, findKey, isRunning, silence } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import { distinctWrites } from '../../src/store/record.js'
import { unreplaced } from '../../src/store/superseded.js'
import type { KvRecord } from '../../src/store/record.js'

// the writes a replica holds, as a read shows them: a hedge under load may
// have minted one write twice (two dots, one write id), which reads show once
const valuesOf = (r: KvRecord | undefined): string[] => r === undefined ? [] : distinctWrites(unreplaced(r)).filter(s => s.value !== null).map(s => text(s.value as Uint8Array)).sort()
const stateOf = (n: MeshNode, id: string): string | undefined => n.members().find(m => m.id === id)?.state

async function crash (cluster: TestCluster, victim: MeshNode): Promise<void> {
  await victim.stop({ announce: false })
  const live = cluster.nodes.filter(n => isRunning(n))
  await waitFor('the others see the crashed peer down', () => live.every(n => stateOf(n, victim.peerId) === 'down'), 20_000)
}

/** The live peer that is not among the key's owners: the stand-in for a down owner (4 peers, N=3). */
function standInFor (cluster: TestCluster, owners: string[]): MeshNode {
  const node = cluster.nodes.find(n => isRunning(n) && !owners.includes(n.peerId))
  assert.ok(node !== undefined, 'a live non-owner')
  return node
}

describe('hinted handoff (4 peers, N=3)', () => {
  let cluster: TestCluster | undefined
  after(async () => { await cluster?.stop() })
  // a test that failed half-way left its cluster running: stopped here, or
  // its peers would keep this file's process alive until the runner's timeout
  const fresh = async (): Promise<TestCluster> => {
    await cluster?.stop()
    cluster = undefined
    return startCluster(4, { n: 3, r: 2, w: 2 })
  }

  test('a down owner: writes at W=3 succeed through a stand-in with a hint, which is delivered when it is back, then dropped', async () => {
    cluster = await fresh()
    await cluster.converged(4)
    const [a] = cluster.nodes
    const victimIndex = 3
    const victim = cluster.nodes[victimIndex]
    const victimId = victim.peerId
    const victimDir = cluster.dirs[victimIndex]
    const key = findKey(a, 'hh', prefs => prefs.includes(victimId) && prefs[0] !== victimId)
    const owners = a.preferenceList(key)
    await crash(cluster, victim)
    // the down owner keeps its place in the ring
    assert.deepEqual(a.preferenceList(key), owners, 'a down owner stays in the preference list')
    const standIn = standInFor(cluster, owners)

    const put = await a.put(key, bytes('while-down'), { w: 3 })
    assert.equal(put.acked.length, 3)
    assert.ok(put.acked.includes(standIn.peerId), 'the stand-in acknowledged')
    assert.ok(!put.acked.includes(victimId))
    assert.deepEqual(valuesOf(await standIn.localRecord(key)), ['while-down'], 'the stand-in stores the record')
    const status = standIn.status()
    assert.equal(status.hints?.pending, 1)
    assert.deepEqual(status.hints?.byOwner, { [victimId]: 1 })
    // a read at R=3 is answered by the stand-in too
    assert.deepEqual((await a.get(key, { r: 3 })).values.map(text), ['while-down'])

    const back = await cluster.add({}, victimDir)
    assert.equal(back.peerId, victimId)
    await waitFor('the hint is delivered to the owner', async () => valuesOf(await back.localRecord(key)).join() === 'while-down', 20_000)
    await waitFor('the stand-in deletes the hint and drops its copy', async () =>
      standIn.status().hints?.pending === 0 && await standIn.localRecord(key) === undefined, 10_000)
    // LevelDB applies a delete on its worker thread before the callback that
    // counts it runs here: a read can see the copy gone a turn before the counter
    await waitFor('the drop is counted', () => standIn.status().hints?.droppedKeys === 1, 2_000)
    assert.equal(standIn.status().hints?.delivered, 1)
    assert.equal(standIn.status().hints?.droppedKeys, 1)
    assert.equal(standIn.metrics.counter('meshkv_hints_stored_total'), 1)
    assert.equal(standIn.metrics.counter('meshkv_hints_delivered_total'), 1)
    assert.equal(standIn.metrics.counter('meshkv_handoff_dropped_keys_total'), 1)
    await cluster.stop()
    cluster = undefined
  })

  test('an owner that is up but does not answer: a spare backs it up with a hint, and the write at W=3 succeeds in time', async () => {
    cluster = await fresh()
    await cluster.converged(4)
    const [a, , , mute] = cluster.nodes
    // the coordinator is the spare: the only peer that is not an owner
    const key = findKey(a, 'silent', prefs => !prefs.includes(a.peerId) && prefs[0] !== mute.peerId && prefs.includes(mute.peerId))
    // open the kv streams first: the first request to each peer dials
    for (let i = 0; i < 8; i++) await a.put(`warm-${i}`, bytes('w'), { w: 3 })
    silence(mute)
    const started = Date.now()
    const put = await a.put(key, bytes('backed-up'), { w: 3, timeoutMs: 3000 })
    assert.ok(Date.now() - started < 3000)
    assert.equal(put.acked.length, 3)
    assert.ok(put.acked.includes(a.peerId) && !put.acked.includes(mute.peerId), put.acked.join())
    assert.deepEqual(a.status().hints?.byOwner, { [mute.peerId]: 1 }, 'the spare holds a hint for the silent owner')
    assert.deepEqual(valuesOf(await a.localRecord(key)), ['backed-up'])
    await cluster.stop()
    cluster = undefined
  })

  test('hints are durable: they survive the stand-in\'s restart and are delivered afterwards', async () => {
    cluster = await fresh()
    await cluster.converged(4)
    const [a] = cluster.nodes
    const victim = cluster.nodes[3]
    const victimId = victim.peerId
    const victimDir = cluster.dirs[3]
    const key = findKey(a, 'durable', prefs => prefs.includes(victimId) && !prefs.includes(a.peerId))
    const owners = a.preferenceList(key)
    await crash(cluster, victim)
    // the stand-in is `a`, the only live non-owner
    const standIn = standInFor(cluster, owners)
    assert.equal(standIn.peerId, a.peerId)
    const put = await cluster.nodes[1].put(key, bytes('kept'), { w: 3 })
    assert.ok(put.acked.includes(a.peerId))
    assert.equal(a.status().hints?.pending, 1)

    const aDir = cluster.dirs[0]
    await a.stop()
    const a2 = await cluster.add({}, aDir)
    assert.equal(a2.peerId, a.peerId)
    assert.deepEqual(a2.status().hints?.byOwner, { [victimId]: 1 }, 'the hint is back after a restart')

    const back = await cluster.add({}, victimDir)
    await waitFor('the hint is delivered after the stand-in restarted', async () => valuesOf(await back.localRecord(key)).join() === 'kept', 20_000)
    await waitFor('and deleted at the stand-in', () => a2.status().hints?.pending === 0, 10_000)
    await cluster.stop()
    cluster = undefined
  })

  test('the issue\'s scenario: one killed, writes at W=3 succeed, it comes back, hints delivered; then two others die and every key reads at R=1', async () => {
    cluster = await fresh()
    await cluster.converged(4)
    const nodes = cluster.nodes
    const keys = Array.from({ length: 40 }, (_, i) => `scenario-${i}`)
    // half the keys written before the failure, half during it
    for (const [i, key] of keys.slice(0, 20).entries()) await nodes[i % 4].put(key, bytes(`v-${key}`), { w: 3 })
    const victim = nodes[3]
    const victimDir = cluster.dirs[3]
    await crash(cluster, victim)
    for (const [i, key] of keys.slice(20).entries()) {
      const put = await nodes[i % 3].put(key, bytes(`v-${key}`), { w: 3 })
      assert.equal(put.acked.length, 3, `${key} acknowledged by 3`)
    }
    const hinted = nodes.slice(0, 3).reduce((sum, n) => sum + (n.status().hints?.pending ?? 0), 0)
    assert.ok(hinted > 0, 'some writes went to stand-ins')
    const back = await cluster.add({}, victimDir)
    await cluster.converged(4)
    await waitFor('every hint delivered', () => cluster!.nodes.filter(n => isRunning(n)).every(n => n.status().hints?.pending === 0), 20_000)
    // two other peers die; the returned peer and one more survive
    const survivors = [back, nodes[0]]
    await Promise.all([nodes[1], nodes[2]].map(async n => { await n.stop({ announce: false }) }))
    for (const [i, key] of keys.entries()) {
      const via = survivors[i % 2]
      const got = await via.get(key, { r: 1 })
      assert.deepEqual(got.values.map(text), [`v-${key}`], `${key} via ${i % 2 === 0 ? 'the returned peer' : 'the other survivor'}`)
    }
    await cluster.stop()
    cluster = undefined
  })
})
