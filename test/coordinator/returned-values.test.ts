/**
 * The values a read hands its caller are the caller's: what it does to them
 * (an app decoding in place) reaches no replica. A read answers once R
 * replicas did, and repairs the replicas that answered with less once every
 * replica it asked did: a replica that answered late, after a hedge, is
 * repaired after the caller has its values.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { bytes, findKey, startCluster, text, waitFor } from '../fixtures/cluster.js'
import { join, newWithContext, updateWith } from '../../src/version/index.js'
import { siblingEquals, WRITE_ID_BYTES } from '../../src/store/record.js'
import { values } from '../../src/version/dvvset.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { KvRecord } from '../../src/store/record.js'

interface ReplicaInternals {
  localGet: (key: string) => Promise<KvRecord | undefined>
  localSync: (key: string, record: KvRecord) => Promise<unknown>
}
const replicaOf = (node: MeshNode): ReplicaInternals => (node as unknown as { coordinator: { init: { replica: ReplicaInternals } } }).coordinator.init.replica

describe('values a read returned, changed by the caller (3 peers, N3 R2 W2)', () => {
  let cluster: TestCluster
  let client: MeshNode
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    client = await cluster.add({ capacity: 0, recordCacheBytes: 0 })
    await cluster.converged(3)
    const [a] = cluster.nodes
    await waitFor('the capacity-0 node to place keys as the members do', () =>
      ['probe0', 'probe1'].every(k => client.preferenceList(k).join() === a.preferenceList(k).join()))
  })
  after(async () => { await cluster.stop() })

  test('do not reach a stale replica that answered late and is repaired after', async () => {
    const [a, b, c] = cluster.nodes
    // c answers reads of these keys late: a read that asked it hedges to the next replica and answers without it
    const slow = replicaOf(c)
    const get = slow.localGet.bind(slow)
    slow.localGet = async key => {
      if (key.startsWith('late-')) await new Promise(resolve => setTimeout(resolve, 300))
      return get(key)
    }
    // a replica that was silent is asked last for a while: forgotten before each read, so c, first in the key's preference list, is asked
    const hedging = (client as unknown as { coordinator: { readHedging: { slowUntil: Map<string, number> } } }).coordinator.readHedging
    for (let i = 0; i < 3; i++) {
      hedging.slowUntil.clear()
      const key = findKey(client, `late-${i}`, prefs => prefs[0] === c.peerId)
      const oldValue = `old ${i} `.padEnd(1000, '.')
      const newValue = `new ${i} `.padEnd(1000, '.')
      const old = await client.put(key, bytes(oldValue), { w: 3 })
      // a newer write only a and b hold (as a hint or an exchange brings one): c is stale
      const current = await a.localRecord(key) as KvRecord
      const newer = updateWith(newWithContext(join(current), { value: bytes(newValue), timestamp: Date.now(), writeId: crypto.getRandomValues(new Uint8Array(WRITE_ID_BYTES)) }), current, `writer-${i}`, siblingEquals)
      await replicaOf(a).localSync(key, newer)
      await replicaOf(b).localSync(key, newer)
      assert.ok(old.values.length === 1)
      const got = await client.get(key, { r: 2 })
      assert.deepEqual(got.values.map(text), [newValue])
      for (const v of got.values) v.fill(0x3f)
      // c's late reply, then its repair
      const onC = async (): Promise<string[]> => values(await c.localRecord(key) as KvRecord).map(s => text(s.value as Uint8Array))
      await waitFor('c to answer late and be repaired', async () => (await onC())[0] !== oldValue)
      const held = await onC()
      assert.ok(held.length === 1 && held[0] === newValue, `c holds ${held.map(v => v.slice(0, 12)).join(', ')}...`)
    }
  })
})

describe('values a write or a diagnostic read returned, changed by the caller (1 peer, N1)', () => {
  let cluster: TestCluster
  before(async () => { cluster = await startCluster(1, { n: 1, r: 1, w: 1 }) })
  after(async () => { await cluster.stop() })

  test('a retried write answered from the stored record (held in the store\'s cache) leaves the store as it was', async () => {
    const [a] = cluster.nodes
    const writeId = crypto.getRandomValues(new Uint8Array(WRITE_ID_BYTES))
    await a.put('retried', bytes('original'), { writeId })
    // the retry mints nothing: it is answered with the record stored, read (and now held) by the store
    const again = await a.put('retried', bytes('original'), { writeId })
    assert.deepEqual(again.values.map(text), ['original'])
    for (const v of again.values) v.fill(0x78)
    assert.deepEqual((await a.get('retried')).values.map(text), ['original'])
    assert.deepEqual(values(await a.localRecord('retried') as KvRecord).map(s => text(s.value as Uint8Array)), ['original'])
  })

  test('a record localRecord returned, changed by the caller, is not what the next read sees', async () => {
    const [a] = cluster.nodes
    await a.put('diagnosed', bytes('original'))
    const held = await a.localRecord('diagnosed') as KvRecord
    for (const s of values(held)) (s.value as Uint8Array).fill(0x78)
    assert.deepEqual((await a.get('diagnosed')).values.map(text), ['original'])
  })
})

