/**
 * A peer that holds no copy of a key (a capacity-0 node coordinating
 * itself) keeps the record it last read or wrote there and sends its digest
 * with the next read's GETs: replicas holding that very record answer
 * "same" without it. The cache is a guess only: a record changed since is
 * sent whole and read, never the cached one. The cache keeps to its bound.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { bytes, startCluster, text, waitFor } from '../fixtures/cluster.js'
import { RecordCache } from '../../src/coordinator/record-cache.js'
import { decodeRecord, encodeRecord, siblingEquals } from '../../src/store/record.js'
import { newSet, newWithContext, join, update, updateWith, values } from '../../src/version/dvvset.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { KvRecord } from '../../src/store/record.js'

const sameReplies = (node: MeshNode): number => node.metrics.counter('meshkv_rpc_same_replies_total')

function record (value: string): KvRecord {
  return update(newSet({ value: bytes(value), timestamp: 1 }), 'actor')
}

describe('RecordCache', () => {
  test('keeps to its byte bound, least recently used out first', () => {
    const probe = new RecordCache(1 << 20)
    probe.set('k0', record('x'.repeat(1000)))
    const one = probe.size
    const cache = new RecordCache(3 * one + 10)
    for (const k of ['k1', 'k2', 'k3']) cache.set(k, record('x'.repeat(1000)))
    assert.equal(cache.size, 3 * one)
    assert.ok(cache.get('k1') !== undefined) // k1 is now the most recently used
    cache.set('k4', record('x'.repeat(1000)))
    assert.equal(cache.get('k2'), undefined, 'the least recently used went')
    assert.ok(cache.get('k1') !== undefined && cache.get('k3') !== undefined && cache.get('k4') !== undefined)
    assert.ok(cache.size <= 3 * one + 10)
  })

  test('a cached record keeps alive no more than the bytes it is counted for, not the frame it was read from', () => {
    // a reply is decoded in place: its values are views into the bytes the
    // stream delivered, which under load hold many replies (a TCP read of up
    // to 64 KiB); a cache counting the record's encoding must not pin those
    const encoded = encodeRecord(record('x'.repeat(1000)))
    const delivered = new Uint8Array(64 * 1024)
    delivered.set(encoded, 5000)
    const decoded = decodeRecord(delivered.subarray(5000, 5000 + encoded.byteLength), { maxValueBytes: 1 << 20 })
    const cache = new RecordCache(1 << 20)
    cache.set('k', decoded)
    const held = cache.get('k')
    assert.ok(held !== undefined)
    assert.deepEqual(values(held).map(s => text(s.value as Uint8Array)), ['x'.repeat(1000)])
    const pinned = new Set(values(held).map(s => (s.value as Uint8Array).buffer))
    const pinnedBytes = [...pinned].reduce((sum, b) => sum + b.byteLength, 0)
    assert.ok(pinnedBytes <= cache.size, `the cached record pins ${pinnedBytes} bytes, counted as ${cache.size}`)
  })

  test('the heap a full cache holds is about what it counts, for small records and many siblings too', () => {
    // a coarse bound (heap after a forced collection): an entry's objects
    // (a sibling and the views of its value and write id, an entry and its
    // actor, the map's slot), not only its encoding
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const shapes: Array<[siblings: number, valueBytes: number]> = [[1, 1], [1, 1000], [8, 20], [32, 1]]
    for (const [siblings, valueBytes] of shapes) {
      const cache = new RecordCache(1 << 30)
      const make = (i: number): KvRecord => {
        let r: KvRecord = { entries: [], anonymous: [] }
        for (let s = 0; s < siblings; s++) {
          r = updateWith(newSet({ value: new Uint8Array(valueBytes).fill(i & 255), timestamp: 1, writeId: new Uint8Array(16).fill(s) }), r, `${'a'.repeat(60)}.${s}`, siblingEquals)
        }
        return r
      }
      gc()
      const before = process.memoryUsage()
      for (let i = 0; i < 4000; i++) cache.set(`key-${i}`, make(i))
      gc()
      const after = process.memoryUsage()
      const held = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers
      assert.ok(held <= 2 * cache.size, `${siblings} siblings of ${valueBytes} B: ${held} bytes held, ${cache.size} counted`)
    }
  })

  test('a record past what a decoder accepts (a merge of replies each within it) is not cached, and its read does not fail', () => {
    const many: KvRecord = {
      entries: ['a1', 'a2', 'a3', 'a4', 'a5'].map(actor => ({ actor, counter: 250, values: Array.from({ length: 250 }, (_, i) => ({ value: bytes(`${actor} ${i}`), timestamp: 1 })) })),
      anonymous: []
    }
    const cache = new RecordCache(1 << 30)
    cache.set('k', record('v'))
    assert.doesNotThrow(() => { cache.set('k', many) })
    assert.equal(cache.get('k'), undefined, 'neither it nor what was cached before')
    assert.equal(cache.size, 0)
  })

  test('a record over the whole bound, an absent record and a zero bound keep nothing', () => {
    const cache = new RecordCache(2000)
    cache.set('big', record('x'.repeat(2000)))
    assert.equal(cache.get('big'), undefined)
    cache.set('k', record('v'))
    assert.ok(cache.get('k') !== undefined)
    cache.set('k', undefined)
    assert.equal(cache.get('k'), undefined)
    assert.equal(cache.size, 0)
    const off = new RecordCache(0)
    off.set('k', record('v'))
    assert.equal(off.get('k'), undefined)
  })
})

describe('conditional reads from a capacity-0 node (3 peers, N3 R2 W2)', () => {
  let cluster: TestCluster
  let client: MeshNode
  let uncached: MeshNode
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    client = await cluster.add({ capacity: 0 })
    uncached = await cluster.add({ capacity: 0, recordCacheBytes: 0 })
    await cluster.converged(3)
    // a capacity-0 node places keys once it has every member's tokens: until then a write may go to a stand-in
    const [a] = cluster.nodes
    const keys = ['cached0', 'cached1', 'cached2', 'cached3', 'cached4', 'changed', 'uncached']
    await waitFor('both capacity-0 nodes to place keys as the members do', () =>
      keys.every(k => [client, uncached].every(n => n.preferenceList(k).join() === a.preferenceList(k).join())))
  })
  after(async () => { await cluster.stop() })

  test('a read of a key read or written before asks by digest, and replicas in sync answer "same"', async () => {
    const value = 'v'.repeat(1000)
    // a put hedged to a second coordinator (a cold start's slow first
    // requests) leaves the replicas a record with both mints, not the one
    // the put answered with: so most keys, not every one
    let sameAfterPut = 0
    for (let i = 0; i < 5; i++) {
      await client.put(`cached${i}`, bytes(value), { w: 3 })
      const before = sameReplies(client)
      assert.deepEqual((await client.get(`cached${i}`)).values.map(text), [value])
      if (sameReplies(client) - before >= 2) sameAfterPut++
    }
    assert.ok(sameAfterPut >= 3, `reads right after a put answered "same" by both replicas: ${sameAfterPut} of 5`)
    const afterRead = sameReplies(client)
    assert.deepEqual((await client.get('cached0')).values.map(text), [value])
    assert.ok(sameReplies(client) - afterRead >= 2, `"same" replies after a read: ${sameReplies(client) - afterRead}`)
  })

  test('a record changed since it was cached is read whole: never the cached value', async () => {
    const [a] = cluster.nodes
    await client.put('changed', bytes('old'.repeat(300)), { w: 3 })
    assert.deepEqual((await client.get('changed')).values.map(text), ['old'.repeat(300)])
    const ctx = (await a.get('changed')).context
    await a.put('changed', bytes('new'.repeat(300)), { w: 3, context: ctx })
    const before = sameReplies(client)
    const got = await client.get('changed')
    assert.deepEqual(got.values.map(text), ['new'.repeat(300)])
    assert.equal(sameReplies(client) - before, 0, 'no replica holds the cached record any more')
    // and the new record is what is cached now
    await client.get('changed')
    assert.ok(sameReplies(client) - before >= 2)
  })

  test('a value a read returned and its caller then changed is not what the next read returns', async () => {
    const key = 'mutated'
    const value = 'm'.repeat(1000)
    const put = await client.put(key, bytes(value), { w: 3 })
    put.values[0].fill(0x21)
    const first = await client.get(key)
    assert.deepEqual(first.values.map(text), [value], 'a put\'s values, changed, are not what is read next')
    first.values[0].fill(0x7a)
    const before = sameReplies(client)
    const again = await client.get(key)
    assert.ok(sameReplies(client) - before >= 2, 'the replicas hold the cached record')
    assert.deepEqual(again.values.map(text), [value], 'a read\'s values, changed, are not what is read next')
    for (const node of cluster.nodes.slice(0, 3)) {
      const held = await node.localRecord(key)
      assert.deepEqual(held === undefined ? [] : values(held).map(s => text(s.value as Uint8Array)), [value])
    }
  })

  test('replicas that answered "same" with the cached record are repaired when another answered with a newer one', async () => {
    const [a, b, c] = cluster.nodes
    const key = 'repaired'
    await client.put(key, bytes('old'.repeat(300)), { w: 3 })
    // a newer write only c holds (as a hint or an exchange brings one)
    const current = await c.localRecord(key) as KvRecord
    const newer = updateWith(newWithContext(join(current), { value: bytes('new'.repeat(300)), timestamp: Date.now() }), current, 'writer-repaired', siblingEquals)
    await (c as unknown as { coordinator: { init: { replica: { localSync: (k: string, r: KvRecord) => Promise<unknown> } } } }).coordinator.init.replica.localSync(key, newer)
    const before = sameReplies(client)
    const got = await client.get(key, { r: 3 })
    assert.deepEqual(got.values.map(text), ['new'.repeat(300)])
    assert.ok(sameReplies(client) - before >= 1, 'a or b answered "same"')
    await waitFor('a and b repaired', async () => {
      const held = await Promise.all([a, b].map(async n => values(await n.localRecord(key) as KvRecord).map(s => text(s.value as Uint8Array))))
      return held.every(v => v.length === 1 && v[0] === 'new'.repeat(300))
    }, 5000)
  })

  test('with recordCacheBytes 0, reads carry no digest', async () => {
    await uncached.put('uncached', bytes('u'.repeat(1000)), { w: 3 })
    for (let i = 0; i < 3; i++) assert.deepEqual((await uncached.get('uncached')).values.map(text), ['u'.repeat(1000)])
    assert.equal(sameReplies(uncached), 0)
  })
})
