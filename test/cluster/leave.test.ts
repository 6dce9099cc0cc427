/**
 * Leaving with range transfer: a peer pushes every key it holds to the
 * key's owners in the ring without it before it stops, so each key is on
 * all n of its new owners and reads at once.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, bytes, text, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

const KEYS = 150

/** keys some owner (in `via`'s view) does not hold locally */
async function notOnEveryOwner (via: MeshNode, nodes: MeshNode[], keys: number): Promise<string[]> {
  const byId = new Map(nodes.map(n => [n.peerId, n]))
  const missing: string[] = []
  for (let i = 0; i < keys; i++) {
    for (const owner of via.preferenceList(`key-${i}`)) {
      const rec = await byId.get(owner)?.localRecord(`key-${i}`)
      if (rec === undefined) missing.push(`key-${i}@${owner.slice(-4)}`)
    }
  }
  return missing
}

describe('a leaving peer pushes its keys to their new owners', () => {
  let cluster: TestCluster
  after(async () => { await cluster?.stop() })

  test('4 peers, 150 writes, one leaves: every key is on all 3 of its owners and reads at R=2 everywhere', async () => {
    cluster = await startCluster(4, { n: 3, r: 2, w: 2 })
    await cluster.converged(4)
    for (let i = 0; i < KEYS; i++) await cluster.nodes[i % 4].put(`key-${i}`, bytes(`value-${i}`), { w: 3 })
    const leaver = cluster.nodes[1]
    const rest = cluster.nodes.filter(n => n !== leaver)
    // what the leaver holds depends on its share of the ring: count it rather than assume it
    let held = 0
    for (let i = 0; i < KEYS; i++) if (await leaver.localRecord(`key-${i}`) !== undefined) held++
    assert.ok(held > 0, 'the leaver holds some keys')
    await leaver.leave()
    const t = leaver.status().transfer
    assert.equal(t?.state, 'left')
    assert.ok(t?.leave !== undefined && t.leave.total >= held && t.leave.failed === 0, `${held} held: ${JSON.stringify(t)}`)
    await waitFor('the others took the leaver out of their rings', () => rest.every(n => n.status().ringSize === 3))
    assert.deepEqual(await notOnEveryOwner(rest[0], rest, KEYS), [])
    for (const node of rest) {
      for (let i = 0; i < KEYS; i++) {
        const got = await node.get(`key-${i}`, { r: 2 })
        assert.deepEqual(got.values.map(text), [`value-${i}`], `key-${i} via ${node.peerId.slice(-4)}`)
      }
    }
  })
})
