/**
 * The collector's pass with stub components (a map as the store, a function
 * as the owners' GET): what it asks, what it removes, and when it waits.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TombstoneCollector } from '../../src/tombstones/collector.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { newSet, update } from '../../src/version/index.js'
import type { TombstoneCollectorInit } from '../../src/tombstones/collector.js'
import type { KvRecord } from '../../src/store/record.js'

const tomb = (at: number): KvRecord => update(newSet({ value: null, timestamp: at }), 'a.x')
const live = (at: number): KvRecord => update(newSet({ value: new Uint8Array([1]), timestamp: at }), 'a.x')

function setup (records: Record<string, KvRecord>, over: Partial<TombstoneCollectorInit> = {}, answer?: (peer: string, key: string) => KvRecord | undefined) {
  const stored = new Map(Object.entries(records))
  const asked: string[] = []
  const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as unknown as TombstoneCollectorInit['log']
  const collector = new TombstoneCollector({
    selfId: 'a',
    store: {
      async * entries () { yield * [...stored.entries()] },
      async remove (key: string, expect: (r: KvRecord | undefined) => boolean) {
        if (!expect(stored.get(key))) return false
        return stored.delete(key)
      }
    },
    client: {
      async get (peer: string, key: string) {
        asked.push(`${peer}:${key}`)
        if (peer === 'down') throw new Error('unreachable')
        return answer === undefined ? stored.get(key) : answer(peer, key)
      }
    },
    owners: () => () => ['a', 'b', 'c'],
    graceMs: 1_000,
    scanMs: 3_600_000,
    maxChecksPerPass: 100,
    concurrency: 2,
    requestTimeoutMs: 100,
    metrics: new MetricsRegistry(),
    log,
    ...over
  })
  return { collector, stored, asked }
}

test('expired deletes every owner holds are removed; live, young and blocked ones stay', async () => {
  const now = Date.now()
  const { collector, stored } = setup({ old: tomb(now - 5_000), young: tomb(now), kept: live(now - 5_000), contested: tomb(now - 5_000) },
    {}, (peer, key) => key === 'contested' && peer === 'c' ? live(now - 9_000) : tomb(now - 5_000))
  const pass = await collector.collectNow()
  assert.deepEqual([...stored.keys()].sort(), ['contested', 'kept', 'young'])
  assert.deepEqual(pass, { scanned: 4, tombstones: 3, checked: 2, collected: 1, blocked: 1 })
  assert.deepEqual({ ...collector.status(), lastScan: undefined }, { pending: 2, collected: 1, lastScan: undefined })
})

test('while the ring changes, nothing is asked or removed', async () => {
  const { collector, stored, asked } = setup({ old: tomb(Date.now() - 5_000) }, { unsettled: () => 'x is joining' })
  const pass = await collector.collectNow()
  assert.equal(pass.collected, 0)
  assert.equal(pass.blocked, 1)
  assert.deepEqual(asked, [])
  assert.equal(stored.size, 1)
})

test('an owner that fails is asked once a pass, and blocks every key it owns', async () => {
  const old = Date.now() - 5_000
  const { collector, stored, asked } = setup({ k1: tomb(old), k2: tomb(old), k3: tomb(old) }, { owners: () => () => ['a', 'down', 'c'], concurrency: 1 })
  const pass = await collector.collectNow()
  assert.equal(pass.collected, 0)
  assert.equal(pass.blocked, 3)
  assert.equal(asked.filter(x => x.startsWith('down:')).length, 1)
  assert.equal(stored.size, 3)
})

test('a record that changed after it was checked is not removed', async () => {
  const old = Date.now() - 5_000
  const { collector, stored } = setup({ k: tomb(old) }, {}, () => {
    stored.set('k', live(Date.now())) // a write lands while the owners are asked
    return tomb(old)
  })
  assert.equal((await collector.collectNow()).collected, 0)
  assert.equal(stored.has('k'), true)
})
