/**
 * The store's cache of recently read records (src/store/hot-records.ts):
 * bounded by bytes (the oldest unread out first), and never an answer
 * older than what the store last finished writing, whatever the order of
 * reads, writes, removals and evictions.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { HotRecords, recordFootprint } from '../../src/store/hot-records.js'
import { RecordStore } from '../../src/store/record-store.js'
import { MetricsRegistry } from '../../src/metrics.js'
import type { KvRecord } from '../../src/store/record.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array | null): string | null => b === null ? null : new TextDecoder().decode(b)

function one (value: string, counter = 1): KvRecord {
  return { entries: [{ actor: 'peer-a', counter, values: [{ value: enc(value), timestamp: 1_700_000_000_000 + counter }] }], anonymous: [] }
}

const valueOf = (r: KvRecord | undefined): string | null | undefined => r === undefined ? undefined : dec(r.entries[0].values[0].value)

describe('HotRecords', () => {
  test('holds records up to its bound in bytes; the oldest goes first unless read since (then the next)', () => {
    const each = recordFootprint('k0', one('v'), 100)
    const hot = new HotRecords(3 * each)
    for (const k of ['k0', 'k1', 'k2']) hot.set(k, one(k), 100)
    assert.equal(hot.size, 3)
    assert.equal(hot.bytes, 3 * each)
    assert.equal(valueOf(hot.get('k0')), 'k0') // k0 read: passed over, k1 goes instead
    hot.set('k3', one('k3'), 100)
    assert.equal(hot.get('k1'), undefined)
    assert.deepEqual(['k0', 'k2', 'k3'].map(k => valueOf(hot.get(k))), ['k0', 'k2', 'k3'])
    assert.ok(hot.bytes <= 3 * each)
    assert.equal(hot.hits, 4)
    assert.equal(hot.misses, 1)
  })

  test('a record over the whole bound is not held; a deleted key is gone and its bytes freed', () => {
    const hot = new HotRecords(2000)
    hot.set('big', one('x'), 5000)
    assert.equal(hot.get('big'), undefined)
    assert.equal(hot.bytes, 0)
    hot.set('k', one('v'), 10)
    hot.set('k', one('w'), 10)
    assert.equal(hot.size, 1)
    assert.equal(valueOf(hot.get('k')), 'w')
    hot.delete('k')
    assert.equal(hot.get('k'), undefined)
    assert.equal(hot.bytes, 0)
  })

  test('0 bytes keeps nothing', () => {
    const hot = new HotRecords(0)
    hot.set('k', one('v'), 1)
    assert.equal(hot.get('k'), undefined)
  })
})

describe('RecordStore with its cache of read records', () => {
  let root: string
  before(async () => { root = await mkdtemp(join(tmpdir(), 'meshkv-hot-')) })
  after(async () => { await rm(root, { recursive: true, force: true }) })

  let n = 0
  async function openStore (cacheBytes?: number, metrics?: MetricsRegistry): Promise<RecordStore> {
    const store = new RecordStore({ path: join(root, `db-${n++}`), limits: { maxValueBytes: 1024 }, cacheBytes, metrics })
    await store.open()
    return store
  }

  test('a read while a write is in flight may see the old record, and the first read after it sees the new one', async () => {
    const store = await openStore()
    try {
      await store.update('k', () => one('old', 1))
      assert.equal(valueOf(await store.get('k')), 'old') // held now
      const writing = store.update('k', () => one('new', 2))
      // the update has read the key and queued its write: a read now is answered by what is held
      await new Promise(resolve => setImmediate(resolve))
      assert.equal(valueOf(await store.get('k')), 'old')
      await writing
      assert.equal(valueOf(await store.get('k')), 'new')
      assert.equal(valueOf(await store.get('k')), 'new')
    } finally {
      await store.close()
    }
  })

  test('the anti-entropy index\'s read-back neither counts nor marks a read, and takes a record the value limit has since been lowered under', async () => {
    const dir = join(root, `db-${n++}`)
    const first = new RecordStore({ path: dir, limits: { maxValueBytes: 1024 } })
    await first.open()
    await first.update('k', () => one('a value of 28 bytes, or so..'))
    await first.close()
    const metrics = new MetricsRegistry()
    const store = new RecordStore({ path: dir, limits: { maxValueBytes: 10 }, metrics })
    await store.open()
    try {
      assert.equal(valueOf(store.readBack('k')), 'a value of 28 bytes, or so..')
      assert.equal(store.readBack('absent'), undefined)
      await store.update('small', () => one('v'))
      assert.equal(valueOf(await store.get('small')), 'v')
      const held = (store as unknown as { hot: HotRecords }).hot
      const { hits, misses } = held
      assert.equal(valueOf(store.readBack('small')), 'v', 'from the cache')
      assert.equal(store.readBack('k')?.entries.length, 1, 'from LevelDB')
      assert.deepEqual([held.hits, held.misses], [hits, misses], 'not counted as reads')
      // the user-facing read still applies the limit
      await assert.rejects(store.get('k'), /over the limit/)
    } finally {
      await store.close()
    }
  })

  test('a removed key is not found, though it was held', async () => {
    const store = await openStore()
    try {
      await store.update('k', () => one('v'))
      assert.equal(valueOf(await store.get('k')), 'v')
      assert.equal(await store.remove('k', () => true), true)
      assert.equal(await store.get('k'), undefined)
    } finally {
      await store.close()
    }
  })

  test('a scan\'s read (keep: false) is answered as any read, and leaves what is held as it was', async () => {
    const store = await openStore()
    try {
      await store.update('hot', () => one('h'))
      await store.update('cold', () => one('c'))
      assert.equal(valueOf(await store.get('hot')), 'h')
      const held = (store as unknown as { hot: HotRecords }).hot
      const before = held.size
      assert.equal(valueOf(await store.get('cold', { keep: false })), 'c')
      assert.equal(held.size, before, 'the scanned key is not kept')
      assert.equal(valueOf(await store.get('hot', { keep: false })), 'h')
    } finally {
      await store.close()
    }
  })

  test('hits and misses are counted, and the bytes held shown', async () => {
    const metrics = new MetricsRegistry()
    const store = await openStore(undefined, metrics)
    try {
      await store.update('k', () => one('v'))
      await store.get('k')
      await store.get('k')
      await store.get('absent')
      const text = metrics.render()
      assert.match(text, /# TYPE meshkv_store_cache_reads_total counter/)
      assert.match(text, /meshkv_store_cache_reads_total\{outcome="hit"\} 1\n/)
      // the update's read of the absent key, the first get, the get of the absent key
      assert.match(text, /meshkv_store_cache_reads_total\{outcome="miss"\} 3\n/)
      assert.match(text, /meshkv_store_cache_bytes [1-9]\d*\n/)
    } finally {
      await store.close()
    }
  })

  // model: what the store last finished writing per key; reads started
  // while a write of the key is in flight may also see the one before it
  type Op = { kind: 'put', key: number, value: number } | { kind: 'remove', key: number } | { kind: 'get', key: number }
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), key: fc.nat({ max: 3 }), value: fc.nat({ max: 1000 }) }),
    fc.record({ kind: fc.constant('remove' as const), key: fc.nat({ max: 3 }) }),
    fc.record({ kind: fc.constant('get' as const), key: fc.nat({ max: 3 }) }),
    fc.record({ kind: fc.constant('get' as const), key: fc.nat({ max: 3 }) })
  )

  for (const cacheBytes of [0, 2_500, 1 << 20]) {
    test(`reads agree with a model of the writes over random histories, run in concurrent rounds (cache of ${cacheBytes} B)`, async () => {
      await fc.assert(fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }), async rounds => {
        const store = await openStore(cacheBytes)
        try {
          const model = new Map<number, string | undefined>()
          let counter = 1
          for (const round of rounds) {
            // every value the key may show during the round: what it held before, and each one written in it
            const possible = new Map<number, Set<string | undefined>>()
            for (let k = 0; k < 4; k++) possible.set(k, new Set([model.get(k)]))
            const pending: Array<Promise<void>> = []
            for (const o of round) {
              const key = `k${o.key}`
              if (o.kind === 'put') {
                const value = `v${o.value}-${counter}`
                const c = counter++
                possible.get(o.key)?.add(value)
                model.set(o.key, value)
                pending.push(store.update(key, () => one(value, c)).then(() => {}))
              } else if (o.kind === 'remove') {
                possible.get(o.key)?.add(undefined)
                model.set(o.key, undefined)
                pending.push(store.remove(key, () => true).then(() => {}))
              } else {
                const may = possible.get(o.key) as Set<string | undefined>
                pending.push(store.get(key).then(r => {
                  const seen = valueOf(r) ?? undefined
                  assert.ok(may.has(seen), `get ${key} gave ${String(seen)}, not one of ${[...may].map(String).join(', ')}`)
                }))
              }
            }
            await Promise.all(pending)
            // the round is over: every key reads as the last write left it, twice (the second from what the first held)
            for (let k = 0; k < 4; k++) {
              for (let i = 0; i < 2; i++) assert.equal(valueOf(await store.get(`k${k}`)) ?? undefined, model.get(k), `k${k} after the round`)
            }
          }
        } finally {
          await store.close()
        }
      }), { numRuns: 40 })
    })
  }
})
