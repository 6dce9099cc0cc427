/**
 * The hint store on a real LevelDB: durable across a reopen, bounded in
 * count (a hint past maxHints is refused with a typed error, so the
 * coordinator tries the next stand-in) and in age (expired hints are
 * dropped, and make room).
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { HintRefusedError } from '../../src/errors.js'
import { HintStore } from '../../src/handoff/hint-store.js'
import { RecordStore } from '../../src/store/record-store.js'
import { tempDir } from '../fixtures/cluster.js'

describe('HintStore', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) })) })

  async function open (dir: string, init: { maxHints?: number, maxAgeMs?: number, now?: () => number } = {}): Promise<{ store: RecordStore, hints: HintStore }> {
    const store = new RecordStore({ path: dir, limits: { maxValueBytes: 1024 } })
    await store.open()
    const hints = new HintStore({ db: store.raw.db, maxHints: init.maxHints ?? 10, maxAgeMs: init.maxAgeMs ?? 60_000, now: init.now })
    await hints.open()
    return { store, hints }
  }

  test('hints survive a reopen, with their owners and keys (any key text)', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const first = await open(dir)
    await first.hints.add('owner-1', 'a/b c')
    await first.hints.add('owner-1', 'ключ')
    await first.hints.add('owner-2', 'x')
    await first.hints.add('owner-2', 'x') // again: one hint
    await first.hints.delete('owner-1', 'a/b c')
    await first.store.close()
    const again = await open(dir)
    assert.equal(again.hints.pending, 2)
    assert.deepEqual(again.hints.byOwner(), { 'owner-1': 1, 'owner-2': 1 })
    assert.deepEqual(again.hints.keysFor('owner-1').map(k => k.key), ['ключ'])
    assert.ok(again.hints.heldForAny('x'))
    assert.ok(!again.hints.heldForAny('a/b c'))
    await again.store.close()
  })

  test('past maxHints a new hint is refused with HintRefusedError; an existing one is still touched', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { store, hints } = await open(dir, { maxHints: 3 })
    for (const k of ['a', 'b', 'c']) await hints.add('o', k)
    await assert.rejects(hints.add('o', 'd'), (err: unknown) => err instanceof HintRefusedError && err.code === 'ERR_HINT_REFUSED')
    await assert.rejects(hints.add('p', 'a'), HintRefusedError)
    await hints.add('o', 'a')
    assert.equal(hints.pending, 3)
    await store.close()
  })

  test('hints older than maxAgeMs are dropped, on expire and to make room past the bound', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let now = 1_000_000
    const { store, hints } = await open(dir, { maxHints: 2, maxAgeMs: 1000, now: () => now })
    await hints.add('o', 'old')
    now += 600
    await hints.add('o', 'newer')
    now += 600
    // 'old' is 1200 ms old: the bound makes room by expiring it
    await hints.add('o', 'fresh')
    assert.deepEqual(hints.keysFor('o').map(k => k.key).sort(), ['fresh', 'newer'])
    now += 500
    assert.equal(await hints.expire(), 1, 'newer is now past its age')
    assert.deepEqual(hints.keysFor('o').map(k => k.key), ['fresh'])
    await store.close()
    // the age is kept on disk (wall clock): after a reopen it still expires
    const again = await open(dir, { maxHints: 2, maxAgeMs: 1000, now: () => now + 2000 })
    assert.equal(again.hints.pending, 1)
    assert.equal(await again.hints.expire(), 1)
    assert.equal(again.hints.pending, 0)
    await again.store.close()
  })

  test('a delete with a stamp leaves a hint touched since (a write arrived during its delivery)', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { store, hints } = await open(dir)
    await hints.add('o', 'k')
    const [{ stamp }] = hints.keysFor('o')
    hints.touch('o', 'k')
    assert.equal(await hints.delete('o', 'k', stamp), false)
    assert.equal(hints.pending, 1)
    const [{ stamp: now }] = hints.keysFor('o')
    assert.equal(await hints.delete('o', 'k', now), true)
    assert.equal(hints.pending, 0)
    await store.close()
  })
})
