/**
 * A get moves only what R needs: on a replica at N3 R2 it reads its own copy
 * and asks one other replica (it used to ask both), and a replica that
 * stops is replaced by the next, so the read still answers.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { bytes, startCluster } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

const text = (b: Uint8Array): string => new TextDecoder().decode(b)

/** GET requests this node has served (every outcome) */
function servedGets (node: MeshNode): number {
  let total = 0
  for (const line of node.metrics.render().split('\n')) {
    const m = /^meshkv_rpc_handled_ms_count\{([^}]*)\} (\d+)/.exec(line)
    if (m !== null && m[1].includes('type="GET"')) total += Number(m[2])
  }
  return total
}

describe('read fan-out (3 peers, N3 R2 W2)', () => {
  let cluster: TestCluster
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    await cluster.converged(3)
  })
  after(async () => { await cluster.stop() })

  test('a get on a replica asks one remote replica, not two', async () => {
    const [a, b, c] = cluster.nodes
    await a.put('fanout', bytes('v'), { w: 3 })
    const before = servedGets(b) + servedGets(c)
    const reads = 20
    for (let i = 0; i < reads; i++) assert.deepEqual((await a.get('fanout')).values.map(text), ['v'])
    const asked = servedGets(b) + servedGets(c) - before
    assert.equal(asked, reads, `remote GETs for ${reads} reads`)
  })

  test('a replica that stopped is replaced by the next: the read still sees the write', async () => {
    const [a, b, c] = cluster.nodes
    await a.put('fanout-2', bytes('w'), { w: 3 })
    // a asks itself, then one of b and c: stop the one it asks first
    const first = (await a.get('fanout-2')).replicas.find(p => p !== a.peerId)
    const gone = first === b.peerId ? b : c
    await gone.stop()
    const started = Date.now()
    const got = await a.get('fanout-2')
    assert.deepEqual(got.values.map(text), ['w'])
    assert.equal(got.replicas.includes(gone.peerId), false)
    assert.ok(Date.now() - started < 5_000, 'answered well within the deadline')
  })
})
