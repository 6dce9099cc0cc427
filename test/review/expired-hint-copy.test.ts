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

test('an expired hint drops the stand-in\'s copy of a key it does not own; owned keys and keys with another hint stay', async () => {
  const dir = await tempDir()
  dirs.push(dir)
  const store = new RecordStore({ path: dir, limits: { maxValueBytes: 1024 } })
  await store.open()
  let now = 0
  const hints = new HintStore({ db: store.raw.db, maxHints: 10, maxAgeMs: 1_000, now: () => now })
  await hints.open()
  const owned = new Set(['mine'])
  const delivery = new HintDelivery({
    hints,
    store,
    sync: async () => { throw new Error('the owner is down') },
    health: () => 'down',
    owns: key => owned.has(key),
    log: defaultLogger().forComponent('test:hints'),
    metrics: new MetricsRegistry()
  })
  for (const key of ['hinted', 'mine', 'two-hints']) {
    await store.update(key, () => old)
    await hints.add('owner-1', key)
  }
  now = 500
  await hints.add('owner-2', 'two-hints')
  now = 1_200 // owner-1's hints are past their age, owner-2's not
  delivery.start()
  try {
    await delivery.wake()
    assert.equal(hints.pending, 1)
    assert.equal(await store.get('hinted'), undefined, 'the copy held only for an expired hint is dropped')
    assert.ok(await store.get('mine') !== undefined, 'a key this peer owns stays')
    assert.ok(await store.get('two-hints') !== undefined, 'a key with a live hint stays')
  } finally {
    await delivery.stop()
    await store.close()
  }
})
