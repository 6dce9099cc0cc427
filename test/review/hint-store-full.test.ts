/**
 * A full hint store (maxHints) refuses new hints; each refusal first drops
 * expired hints to make room, and that walked every hint held: about 1 ms
 * of blocked event loop per refused hint at the default 100,000. Since the
 * coordinator keeps hints for owners no stand-in was left for (a 3-peer
 * cluster with one peer down: every write of a new key), a long outage
 * made every write pay it, once per such owner. The store now knows a
 * lower bound of its hints' ages and walks them only when one may be old.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { HintRefusedError } from '../../src/errors.js'
import { HintStore } from '../../src/handoff/hint-store.js'
import { RecordStore } from '../../src/store/record-store.js'
import { tempDir } from '../fixtures/cluster.js'

const dirs: string[] = []
const stores: RecordStore[] = []
after(async () => {
  await Promise.all(stores.map(async s => { await s.close() }))
  await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
})

/** counts the walks of the store's index (its owners map) */
function countWalks (hints: HintStore): () => number {
  const index = (hints as unknown as { index: Map<string, unknown> }).index
  let walks = 0
  const iterate = index[Symbol.iterator].bind(index)
  index[Symbol.iterator] = () => { walks++; return iterate() }
  return () => walks
}

test('a full hint store refuses without walking its hints while none is old, and still makes room once one is', async () => {
  const dir = await tempDir('meshkv-hints-full-')
  dirs.push(dir)
  const store = new RecordStore({ path: dir, limits: { maxValueBytes: 1024 } })
  await store.open()
  stores.push(store)
  let now = 1_000_000
  const hints = new HintStore({ db: store.raw.db, maxHints: 20, maxAgeMs: 60_000, now: () => now })
  await hints.open()
  for (let i = 0; i < 20; i++) {
    await hints.add(`owner-${i % 2}`, `k${i}`)
    now += 1_000
  }
  const walks = countWalks(hints)
  for (let i = 0; i < 50; i++) await assert.rejects(hints.add('owner-0', `new-${i}`), HintRefusedError)
  assert.equal(walks(), 0, 'no hint is old yet: refusals do not walk them')
  // the first hint (made at 1,000,000) is past its age at 1,060,001
  now = 1_060_001
  await hints.add('owner-0', 'room')
  assert.ok(hints.has('owner-0', 'room'), 'an expired hint made room')
  assert.equal(hints.has('owner-0', 'k0'), false, 'the expired one went')
  assert.equal(hints.pending, 20)
  // the next oldest (k1, made at 1,001,000) is not old yet: refused again, without a walk
  const before = walks()
  await assert.rejects(hints.add('owner-1', 'late'), HintRefusedError)
  assert.equal(walks(), before, 'the bound was tightened by the walk: no new walk')
  now = 1_061_001
  await hints.add('owner-1', 'late')
  assert.equal(hints.has('owner-1', 'k1'), false, 'k1 expired in its turn')
})
