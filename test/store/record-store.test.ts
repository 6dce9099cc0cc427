/**
 * The record store on a real LevelDB (datastore-level over classic-level) in
 * a temporary directory.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RecordStore } from '../../src/store/record-store.js'
import { loadOrCreateIdentity } from '../../src/store/identity.js'
import { encodeRecord } from '../../src/store/record.js'
import { WriteQueueFullError } from '../../src/errors.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const LIMITS = { maxValueBytes: 1024 }
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array | null): string | null => b === null ? null : new TextDecoder().decode(b)

function one (value: string | null, actor = 'peer-a', counter = 1): KvRecord {
  const sibling: Sibling = { value: value === null ? null : enc(value), timestamp: 1_700_000_000_000 + counter }
  return { entries: [{ actor, counter, values: [sibling] }], anonymous: [] }
}

/** The record with its values as plain Uint8Arrays (LevelDB hands back Buffers), for deepEqual. */
function plain (r: KvRecord | undefined): KvRecord | undefined {
  if (r === undefined) return undefined
  const sib = (x: Sibling): Sibling => ({ value: x.value === null ? null : Uint8Array.from(x.value), timestamp: x.timestamp })
  return { entries: r.entries.map(e => ({ actor: e.actor, counter: e.counter, values: e.values.map(sib) })), anonymous: r.anonymous.map(sib) }
}

function valueOf (r: KvRecord | undefined): string | null | undefined {
  if (r === undefined) return undefined
  return dec(r.entries[0].values[0].value)
}

describe('RecordStore', () => {
  let root: string
  before(async () => { root = await mkdtemp(join(tmpdir(), 'meshkv-store-')) })
  after(async () => { await rm(root, { recursive: true, force: true }) })

  let n = 0
  async function openStore (path = join(root, `db-${n++}`), fsync = false): Promise<{ store: RecordStore, path: string }> {
    const store = new RecordStore({ path, fsync, limits: LIMITS })
    await store.open()
    return { store, path }
  }

  test('a record read by get() and by entries() encodes to the same bytes, the stored ones, even where a fresh encoding would differ', async () => {
    // bytes this peer's encoder did not make this way (an older encoder, a
    // field this version skips): a handover compares what it sent (from
    // entries()) with what get() finds, and must see them equal if unchanged
    const { store } = await openStore()
    await store.update('k', () => one('v'))
    const canonical = encodeRecord(one('v'))
    const stored = new Uint8Array([...canonical, (15 << 3) | 2, 1, 9])
    await store.raw.db.put('/r/' + Buffer.from('k').toString('base64url'), stored)
    const got = await store.get('k')
    assert.ok(got !== undefined)
    const listed = []
    for await (const [key, record] of store.entries()) listed.push([key, record] as const)
    assert.equal(listed.length, 1)
    assert.deepEqual(encodeRecord(listed[0][1]), encodeRecord(got))
    await store.close()
  })

  test('get of a missing key is undefined', async () => {
    const { store } = await openStore()
    try {
      assert.equal(await store.get('nope'), undefined)
      assert.equal(await store.get('also/missing'), undefined)
    } finally {
      await store.close()
    }
  })

  test('update stores what fn returns and returns it; undefined leaves the record alone', async () => {
    const { store } = await openStore()
    try {
      const seen: Array<KvRecord | undefined> = []
      const stored = await store.update('k', current => { seen.push(current); return one('v1') })
      assert.deepEqual(plain(stored), one('v1'))
      assert.deepEqual(plain(await store.get('k')), one('v1'))
      const kept = await store.update('k', current => { seen.push(current); return undefined })
      assert.deepEqual(plain(kept), one('v1'))
      assert.deepEqual(plain(await store.get('k')), one('v1'))
      assert.equal(seen[0], undefined)
      assert.deepEqual(plain(seen[1]), one('v1'))
      const tomb = await store.update('k', () => one(null, 'peer-a', 2))
      assert.equal(valueOf(tomb), null)
      assert.equal((await store.get('k'))?.entries[0].counter, 2)
      assert.equal(valueOf(await store.get('k')), null)
    } finally {
      await store.close()
    }
  })

  test('a record whose encoding is over maxRecordBytes is refused with ERR_RECORD_TOO_LARGE, for that key only', async () => {
    const store = new RecordStore({ path: join(root, `db-${n++}`), limits: LIMITS, maxRecordBytes: 200 })
    await store.open()
    try {
      await store.update('k', () => one('small'))
      const big = 'x'.repeat(300)
      await assert.rejects(store.update('k', () => one(big, 'peer-a', 2)), { name: 'RecordTooLargeError', code: 'ERR_RECORD_TOO_LARGE' })
      assert.equal(valueOf(await store.get('k')), 'small', 'the stored record is unchanged')
      await assert.rejects(store.update('other', () => one(big)), { code: 'ERR_RECORD_TOO_LARGE' })
      assert.equal(await store.get('other'), undefined)
      await store.update('third', () => one('fits'))
      assert.equal(valueOf(await store.get('third')), 'fits')
    } finally {
      await store.close()
    }
  })

  test('an update whose fn throws stores nothing, and the key stays usable', async () => {
    const { store } = await openStore()
    try {
      await store.update('k', () => one('v1'))
      await assert.rejects(store.update('k', () => { throw new Error('boom') }), /boom/)
      assert.deepEqual(plain(await store.get('k')), one('v1'))
      await store.update('k', () => one('v2', 'peer-a', 2))
      assert.equal(valueOf(await store.get('k')), 'v2')
    } finally {
      await store.close()
    }
  })

  test('50 concurrent read-increment-writes on one key count to 50', async () => {
    const { store } = await openStore()
    try {
      const increment = async (key: string): Promise<void> => {
        await store.update(key, current => {
          const count = current === undefined ? 0 : Number(valueOf(current))
          return one(String(count + 1), 'peer-a', count + 1)
        })
      }
      await Promise.all(Array.from({ length: 50 }, async () => { await increment('counter') }))
      const r = await store.get('counter')
      assert.equal(valueOf(r), '50')
      assert.equal(r?.entries[0].counter, 50)
      // other keys are not held up by, nor mixed with, each other
      await Promise.all(Array.from({ length: 60 }, async (_, i) => { await increment(`c${i % 3}`) }))
      for (let i = 0; i < 3; i++) assert.equal(valueOf(await store.get(`c${i}`)), '20')
    } finally {
      await store.close()
    }
  })

  test('keys with slashes, unicode, spaces and look-alikes round-trip through entries()', async () => {
    const { store } = await openStore()
    const keys = [
      'plain', 'a/b/c', '/leading', 'trailing/', '//double//', 'with space', ' ', '  padded  ',
      'ünïcødé', '日本語のキー', 'emoji 🎉🔑', 'tab\tand\nnewline', '%2F', 'r/', '/r/x', '..', '.', 'a'.repeat(1024)
    ]
    try {
      for (const [i, key] of keys.entries()) await store.update(key, () => one(`v${i}`))
      const found = new Map<string, string | null | undefined>()
      for await (const [key, record] of store.entries()) found.set(key, valueOf(record))
      assert.deepEqual([...found.keys()].sort(), [...keys].sort())
      for (const [i, key] of keys.entries()) {
        assert.equal(found.get(key), `v${i}`, `value of ${JSON.stringify(key)}`)
        assert.equal(valueOf(await store.get(key)), `v${i}`)
      }
    } finally {
      await store.close()
    }
  })

  test('entries() lists records only, not the identity key or other metadata', async () => {
    const { store } = await openStore()
    try {
      await loadOrCreateIdentity(store.raw)
      await store.update('only', () => one('x'))
      const keys: string[] = []
      for await (const [key] of store.entries()) keys.push(key)
      assert.deepEqual(keys, ['only'])
    } finally {
      await store.close()
    }
  })

  for (const fsync of [false, true]) {
    test(`records persist across close and reopen (fsync: ${String(fsync)})`, async () => {
      const first = await openStore(undefined, fsync)
      for (let i = 0; i < 20; i++) await first.store.update(`k${i}`, () => one(`v${i}`, 'peer-a', i + 1))
      await first.store.update('gone', () => one(null, 'peer-b', 3))
      await first.store.close()
      // closing twice is harmless
      await first.store.close()
      const second = await openStore(first.path, fsync)
      try {
        for (let i = 0; i < 20; i++) assert.deepEqual(plain(await second.store.get(`k${i}`)), one(`v${i}`, 'peer-a', i + 1))
        assert.deepEqual(plain(await second.store.get('gone')), one(null, 'peer-b', 3))
        let count = 0
        for await (const _ of second.store.entries()) count++
        assert.equal(count, 21)
        await second.store.update('k0', () => one('changed', 'peer-a', 2))
      } finally {
        await second.store.close()
      }
      const third = await openStore(first.path, !fsync)
      try {
        assert.equal(valueOf(await third.store.get('k0')), 'changed')
      } finally {
        await third.store.close()
      }
    })
  }

  for (const fsync of [false, true]) {
    test(`concurrent writes to many keys share LevelDB batches, and each persists (fsync: ${String(fsync)})`, async () => {
      const first = await openStore(undefined, fsync)
      await Promise.all(Array.from({ length: 200 }, async (_, i) => first.store.update(`c${i}`, () => one(`v${i}`, 'peer-a', i + 1))))
      const { batches, writes } = first.store.writeStats
      assert.equal(writes, 200)
      assert.ok(batches < writes / 4, `${writes} writes in ${batches} batches`)
      await first.store.close()
      const second = await openStore(first.path)
      try {
        for (let i = 0; i < 200; i++) assert.equal(valueOf(await second.store.get(`c${i}`)), `v${i}`)
      } finally {
        await second.store.close()
      }
    })
  }

  test('the identity key is created once and is the same after reopening', async () => {
    const first = await openStore()
    const key = await loadOrCreateIdentity(first.store.raw)
    const again = await loadOrCreateIdentity(first.store.raw)
    assert.ok(key.equals(again))
    await first.store.close()
    const second = await openStore(first.path, true)
    try {
      const reopened = await loadOrCreateIdentity(second.store.raw)
      assert.equal(reopened.type, 'Ed25519')
      assert.ok(key.equals(reopened), 'same private key')
      assert.ok(key.publicKey.equals(reopened.publicKey), 'same public key')
    } finally {
      await second.store.close()
    }
    const other = await openStore()
    try {
      assert.ok(!key.equals(await loadOrCreateIdentity(other.store.raw)), 'another data dir, another identity')
    } finally {
      await other.store.close()
    }
  })

  test('watchers see every change in order; remove deletes only what it expects', async () => {
    const store = new RecordStore({ path: join(root, 'watch'), limits: LIMITS })
    await store.open()
    try {
      const seen: Array<[string, string | null | undefined, string | null | undefined]> = []
      const stop = store.watch((key, before, after) => { seen.push([key, valueOf(before), valueOf(after)]) })
      await store.update('k', () => one('v1'))
      await store.update('k', () => one('v2', 'peer-a', 2))
      await store.update('k', current => current) // unchanged: no event
      assert.equal(await store.remove('k', r => valueOf(r) === 'v1'), false, 'not removed: newer than expected')
      assert.equal(valueOf(await store.get('k')), 'v2')
      assert.equal(await store.remove('k', r => valueOf(r) === 'v2'), true)
      assert.equal(await store.get('k'), undefined)
      assert.equal(await store.remove('k', () => true), false, 'nothing to remove')
      stop()
      await store.update('other', () => one('x'))
      assert.deepEqual(seen, [['k', undefined, 'v1'], ['k', 'v1', 'v2'], ['k', 'v2', undefined]])
    } finally {
      await store.close()
    }
  })

  test('update tells `writing` the record to store before its write is done, and resolves only once it is stored', async () => {
    // a coordinating replica sends the record to the others from `writing`,
    // while its own write is in flight; W counts it only once update resolves
    const { store, path } = await openStore()
    await store.update('k', () => one('old'))
    const seen: Array<string | null | undefined> = []
    let atWriting: Promise<KvRecord | undefined> | undefined
    const pending = store.update('k', () => one('new', 'peer-a', 2), undefined, next => {
      seen.push(valueOf(next))
      // a read made now (synchronous in LevelDB) still finds the old record: the write is not made yet
      atWriting = store.get('k')
    })
    const stored = await pending
    assert.equal(seen.length, 1, 'writing called once')
    assert.equal(seen[0], 'new')
    assert.equal(valueOf(await atWriting), 'old', 'writing runs before the write is stored')
    assert.equal(valueOf(stored), 'new')
    assert.equal(valueOf(await store.get('k')), 'new')
    // nothing to write (fn returns undefined): writing is not called
    let called = false
    await store.update('k', () => undefined, undefined, () => { called = true })
    assert.equal(called, false)
    await store.close()
    const again = new RecordStore({ path, limits: LIMITS })
    await again.open()
    assert.equal(valueOf(await again.get('k')), 'new', 'what update resolved with is stored')
    await again.close()
  })

  test('past the bound on writes waiting for LevelDB, update fails with WriteQueueFullError before `writing` hears of the record, and stores nothing', async () => {
    const store = new RecordStore({ path: join(root, `db-${n++}`), limits: LIMITS, maxQueuedWrites: 1 })
    await store.open()
    try {
      const told: string[] = []
      const writing = (key: string) => () => { told.push(key) }
      // all made in one turn: the first waits for the batch, the second finds the queue full
      const a = store.update('a', () => one('va'), undefined, writing('a'))
      const b = store.update('b', () => one('vb'), undefined, writing('b'))
      await assert.rejects(b, (err: unknown) => err instanceof WriteQueueFullError && (err as WriteQueueFullError).code === 'ERR_OVERLOADED')
      assert.equal(valueOf(await a), 'va')
      assert.deepEqual(told, ['a'], 'a refused record is never handed to `writing` (it would go to the other replicas unstored)')
      assert.equal(await store.get('b'), undefined)
      // the queue drained: writes are taken again
      assert.equal(valueOf(await store.update('b', () => one('vb'))), 'vb')
    } finally {
      await store.close()
    }
  })
})
