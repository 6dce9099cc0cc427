/**
 * A hint is written before the record it stands for (a crash between them
 * leaves a hint to a record it may not find, never a record no hint hands
 * over), and touched once the record is stored, so a delivery that read the
 * record before the write does not delete it. But a delivery round that runs
 * wholly inside that window (the owner seen back, as at the heal of a
 * partition, while the write waits for the key's lock or the disk) reads
 * the record without the write, hands that to the owner, and deletes the
 * hint before the touch: the touch then finds nothing, and the owner, sent
 * nothing by the write (it was down), misses it with no hint left.
 *
 * Both places a hint is taken before the write: a stand-in's localSync, and
 * the coordinator's own hint for a down owner no stand-in was left for
 * (the sloppy-quorum fix). And a coordinator's hint for a slot no attempt
 * filled (`onUnfilled`), which can come while its own write is in flight.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { Replica } from '../../src/coordinator/replica.js'
import { HintStore } from '../../src/handoff/hint-store.js'
import { HintDelivery } from '../../src/handoff/hint-delivery.js'
import { RecordStore } from '../../src/store/record-store.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { siblingEquals } from '../../src/store/record.js'
import { empty, newWithContext, updateWith, values } from '../../src/version/index.js'
import { tempDir, bytes, text } from '../fixtures/cluster.js'
import type { KvClient } from '../../src/protocol/kv-client.js'
import type { Health, Placement, SloppyTargets } from '../../src/coordinator/placement.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const dirs: string[] = []
const stores: RecordStore[] = []
after(async () => {
  await Promise.all(stores.map(async s => { await s.close() }))
  await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
})

const live = (record: KvRecord | undefined): string[] => record === undefined ? [] : values(record).filter(s => s.value !== null).map(s => text(s.value as Uint8Array)).sort()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

interface Setup {
  store: RecordStore
  hints: HintStore
  replica: Replica
  delivery: HintDelivery
  /** what each owner was handed by the delivery */
  handed: Map<string, KvRecord>
  /** the store's next record write waits this long first (a busy disk) */
  slowNextWrite: (ms: number) => void
  /** what the delivery thinks of an owner's health */
  setHealth: (peer: string, h: Health) => void
}

async function setup (targets: (key: string) => SloppyTargets, send: KvClient['sync']): Promise<Setup> {
  const dir = await tempDir('meshkv-hint-race-')
  dirs.push(dir)
  const store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
  await store.open()
  stores.push(store)
  const hints = new HintStore({ db: store.raw.db, maxHints: 100, maxAgeMs: 60_000 })
  await hints.open()
  const writes = (store as unknown as { writes: { put: (k: Uint8Array, v: Uint8Array) => Promise<void> } }).writes
  const realPut = writes.put.bind(writes)
  let slow: number | undefined
  writes.put = async (k, v) => {
    if (slow !== undefined) {
      const ms = slow
      slow = undefined
      await sleep(ms)
    }
    return realPut(k, v)
  }
  const self = 'peer-a'
  const placement: Placement = {
    selfId: self,
    preferenceList: key => targets(key).owners,
    health: () => 'healthy',
    sloppyTargets: key => targets(key)
  }
  const client = { sync: send } as unknown as KvClient
  const replica = new Replica({ selfId: self, actor: `${self}.0mwtys000aaaaaaaa`, store, client, placement, maxValueBytes: 1024, hints, inRing: () => true })
  const health = new Map<string, Health>()
  const handed = new Map<string, KvRecord>()
  const delivery = new HintDelivery({
    hints,
    store,
    sync: async (peer, _key, record) => { handed.set(peer, record) },
    health: peer => health.get(peer) ?? 'down',
    owns: () => false,
    log: defaultLogger().forComponent('test'),
    metrics: new MetricsRegistry(),
    periodMs: 60_000
  })
  delivery.start()
  return { store, hints, replica, delivery, handed, slowNextWrite: ms => { slow = ms }, setHealth: (p, h) => { health.set(p, h) } }
}

function recordOf (value: string): KvRecord {
  const sibling: Sibling = { value: bytes(value), timestamp: Date.now(), writeId: new Uint8Array(16).fill(value.length) }
  return updateWith(newWithContext([], sibling), empty<Sibling>(), 'peer-x.0mwtys000bbbbbbbb', siblingEquals)
}

/** the owner holds the write, or a hint still stands for it here */
async function covered (s: Setup, owner: string, key: string, value: string): Promise<void> {
  if (live(s.handed.get(owner)).includes(value)) return
  assert.ok(s.hints.has(owner, key), `${owner} was handed ${JSON.stringify(live(s.handed.get(owner)))} and no hint for ${key} is left: the write ${value} is lost to it (left to anti-entropy)`)
  // and the hint hands it over
  await s.delivery.wake()
  assert.ok(live(s.handed.get(owner)).includes(value), `${owner} is handed ${value} by the next round`)
}

describe('a delivery round while the write its hint stands for is in flight', () => {
  test('a stand-in: the owner is back while the hinted write waits for the disk', async () => {
    const s = await setup(() => ({ owners: ['owner-b'], targets: [], spares: [] }), async () => {})
    s.slowNextWrite(300)
    const writing = s.replica.localSync('k1', recordOf('v1'), 'owner-b')
    await sleep(100)
    s.setHealth('owner-b', 'healthy')
    await s.delivery.wake()
    await writing
    await covered(s, 'owner-b', 'k1', 'v1')
    await s.delivery.stop()
  })

  test('a coordinator\'s hint for a down owner no stand-in was left for', async () => {
    // owners a (this peer), b and c: b and c down, no peer left to stand in
    const s = await setup(() => ({ owners: ['peer-a', 'owner-b', 'owner-c'], targets: [{ peer: 'peer-a' }], spares: [] }), async () => {})
    s.slowNextWrite(300)
    const writing = s.replica.coordinatePut({ key: 'k2', sibling: { value: bytes('v2'), timestamp: Date.now(), writeId: new Uint8Array(16).fill(2) }, context: [], n: 3, w: 1, timeoutMs: 2000 })
    await sleep(100)
    s.setHealth('owner-b', 'healthy')
    await s.delivery.wake()
    await writing
    await covered(s, 'owner-b', 'k2', 'v2')
    assert.ok(s.hints.has('owner-c', 'k2'), 'owner-c, still down, keeps its hint')
    await s.delivery.stop()
  })

  test('a coordinator\'s hint for a slot that failed while its own write was in flight', async () => {
    // owners a (this peer) and b; b refuses at once (restarting), and is seen back right after
    const s = await setup(() => ({ owners: ['peer-a', 'owner-b'], targets: [{ peer: 'peer-a' }, { peer: 'owner-b' }], spares: [] }), async () => { throw new Error('injected: connection refused') })
    s.slowNextWrite(300)
    const writing = s.replica.coordinatePut({ key: 'k3', sibling: { value: bytes('v3'), timestamp: Date.now(), writeId: new Uint8Array(16).fill(3) }, context: [], n: 2, w: 1, timeoutMs: 2000 })
    await sleep(100)
    s.setHealth('owner-b', 'healthy')
    await s.delivery.wake()
    await writing
    // the unfilled slot's hint is taken in the background
    await sleep(100)
    await covered(s, 'owner-b', 'k3', 'v3')
    await s.delivery.stop()
  })
})
