/**
 * The usage counter on a real RecordStore (LevelDB in a temp dir): one scan
 * when a bucket starts being counted, then it follows the store's writes
 * and deletes; only keys this peer is the first healthy owner of count;
 * deletes and other buckets never do.
 */
import '../../src/shim.js'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RecordStore } from '../../src/store/record-store.js'
import { UsageCounter } from '../../src/buckets/counter.js'
import { bucketKey } from '../../src/buckets/encoding.js'
import type { KvRecord } from '../../src/store/record.js'
import type { Health, Placement } from '../../src/coordinator/placement.js'

const record = (value: string | null, counter = 1): KvRecord => ({
  entries: [{ actor: 'a', counter, values: [{ value: value === null ? null : new TextEncoder().encode(value), timestamp: counter }] }],
  anonymous: []
})

let root: string
let store: RecordStore
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'meshkv-counter-'))
  store = new RecordStore({ path: join(root, 'db'), fsync: false, limits: { maxValueBytes: 1024 } })
  await store.open()
})
after(async () => {
  await store.close()
  await rm(root, { recursive: true, force: true })
})

test('counts live keys of counted buckets this peer is the first healthy owner of, and follows writes and deletes', async () => {
  const health = new Map<string, Health>([['other', 'healthy']])
  // keys named "mine-*" have this peer first; "theirs-*" have "other" first
  const placement: Placement = {
    selfId: 'me',
    preferenceList: key => key.includes('mine-') ? ['me', 'other'] : ['other', 'me'],
    health: peer => peer === 'me' ? 'healthy' : health.get(peer) ?? 'down',
    sloppyTargets: () => ({ owners: [], targets: [], spares: [] })
  }
  const put = async (key: string, r: KvRecord): Promise<void> => { await store.update(key, () => r) }
  await put(bucketKey('q', 'mine-1'), record('abc'))
  await put(bucketKey('q', 'mine-2'), record('de'))
  await put(bucketKey('q', 'mine-gone'), record(null))
  await put(bucketKey('q', 'theirs-1'), record('xyz'))
  await put(bucketKey('other', 'mine-1'), record('nope'))
  await put('mine-plain', record('default bucket'))
  const counter = new UsageCounter({ store, placement, replicasOf: () => 2 })
  counter.start()
  try {
    assert.deepEqual(await counter.count(new Set(['q'])), { q: { keys: 2, bytes: 5 } })
    // after the first scan, writes and deletes are followed without another
    await put(bucketKey('q', 'mine-3'), record('fghi'))
    await put(bucketKey('q', 'mine-1'), record(null, 2))
    await store.remove(bucketKey('q', 'mine-2'), () => true)
    assert.deepEqual(await counter.count(new Set(['q'])), { q: { keys: 1, bytes: 4 } })
    // the first owner down: this peer counts its keys too
    health.set('other', 'down')
    assert.deepEqual(await counter.count(new Set(['q'])), { q: { keys: 2, bytes: 7 } })
    // a bucket counted later is scanned then; one no longer counted is forgotten
    assert.deepEqual(await counter.count(new Set(['other'])), { other: { keys: 1, bytes: 4 } })
    assert.deepEqual(await counter.count(new Set(['q'])), { q: { keys: 2, bytes: 7 } })
  } finally {
    counter.stop()
  }
})
