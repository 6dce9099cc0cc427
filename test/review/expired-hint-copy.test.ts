/**
 * A hint that expires undelivered must take the stand-in's copy with it
 * (when the stand-in is not an owner and holds no other hint for the key).
 * Left there, the copy is a non-owned record: the next handover sweep (any
 * ring change, the stand-in's own restart) pushes it to the owners with
 * SYNC, and if they collected the key's delete meanwhile (the grace only
 * exceeds the hint's age), the old value is back: a deleted value
 * resurrected.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { defaultLogger } from '@libp2p/logger'
import { HintStore } from '../../src/handoff/hint-store.js'
import { HintDelivery } from '../../src/handoff/hint-delivery.js'
import { RecordStore } from '../../src/store/record-store.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { newSet, update } from '../../src/version/index.js'
import { tempDir } from '../fixtures/cluster.js'
import type { KvRecord } from '../../src/store/record.js'

const dirs: string[] = []
after(async () => { await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) })) })

const old: KvRecord = update(newSet({ value: new TextEncoder().encode('old'), timestamp: 1 }), 'a')

async function setup (ownersUp: Set<string>, graceMs: number): Promise<{ store: RecordStore, hints: HintStore, delivery: HintDelivery, sent: string[], clock: { now: number } }> {
  const dir = await tempDir()
  dirs.push(dir)
  const store = new RecordStore({ path: dir, limits: { maxValueBytes: 1024 } })
  await store.open()
  const clock = { now: 0 }
  const hints = new HintStore({ db: store.raw.db, maxHints: 10, maxAgeMs: 1_000, now: () => clock.now })
  await hints.open()
  const owned = new Set(['mine'])
  const sent: string[] = []
  const delivery = new HintDelivery({
    hints,
    store,
    sync: async (peer, key) => {
      if (!ownersUp.has(peer)) throw new Error(`${peer} is down`)
      sent.push(`${peer}:${key}`)
    },
    health: () => 'down',
    owns: key => owned.has(key),
    owners: () => ['o1', 'o2'],
    graceMs,
    log: defaultLogger().forComponent('test:hints'),
    metrics: new MetricsRegistry()
  })
  return { store, hints, delivery, sent, clock }
}

test('an expired hint: the stand-in hands its copy of a key it does not own to the owners, then drops it; owned keys and keys with another hint stay', async () => {
  const { store, hints, delivery, sent, clock } = await setup(new Set(['o1', 'o2']), 10_000)
  for (const key of ['hinted', 'mine', 'two-hints']) {
    await store.update(key, () => old)
    await hints.add('owner-1', key)
  }
  clock.now = 500
  await hints.add('owner-2', 'two-hints')
  clock.now = 1_200 // owner-1's hints are past their age, owner-2's not
  delivery.start()
  try {
    await delivery.wake()
    assert.equal(hints.pending, 1)
    assert.deepEqual(sent.sort(), ['o1:hinted', 'o2:hinted'], 'handed to the owners first')
    assert.equal(await store.get('hinted'), undefined, 'the copy held only for an expired hint is dropped')
    assert.ok(await store.get('mine') !== undefined, 'a key this peer owns stays')
    assert.ok(await store.get('two-hints') !== undefined, 'a key with a live hint stays')
  } finally {
    await delivery.stop()
    await store.close()
  }
})

test('an owner down: the copy stays and is tried again; past the grace it is dropped unsent', async () => {
  const up = new Set(['o1'])
  const { store, hints, delivery, sent, clock } = await setup(up, 5_000)
  await store.update('k', () => old)
  await hints.add('owner-1', 'k')
  clock.now = 1_200
  delivery.start()
  try {
    await delivery.wake()
    assert.ok(await store.get('k') !== undefined, 'kept while an owner has not taken it')
    up.add('o2')
    await delivery.wake()
    assert.deepEqual(sent.filter(s => s.startsWith('o2')), ['o2:k'])
    assert.equal(await store.get('k'), undefined, 'handed over on the next round, then dropped')
    // a copy whose hint is older than the grace: its delete may be collected, so it is not sent
    await store.update('k2', () => old)
    await hints.add('owner-1', 'k2')
    clock.now = 1_200 + 6_000
    sent.length = 0
    await delivery.wake()
    assert.deepEqual(sent, [])
    assert.equal(await store.get('k2'), undefined)
  } finally {
    await delivery.stop()
    await store.close()
  }
})
