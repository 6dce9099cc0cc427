/**
 * A coordinating replica sends the record it minted to the other replicas
 * while its own LevelDB write is in flight (src/coordinator/replica.ts). If
 * that write then fails (a full disk, an I/O error), the put fails, but the
 * dot it minted is out: another replica holds it. This replica's store does
 * not, so minting the next write of the key from the stored record would
 * count to the same dot again, for another value, and a replica holding the
 * first would take the second for a copy it already has: an acknowledged
 * write lost at that replica (and at every one it syncs with).
 *
 * Here: n=2 (this replica and peer-b, a recording stand-in for a remote
 * replica's sync); v0 is stored, v1's local write fails, v2 is a plain blind
 * put that succeeds. peer-b's merge of what it was sent must hold v2. (A key
 * with no record here is safe without more: its first mint is under a fresh
 * key epoch, src/version/key-epoch.ts.)
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { Coordinator } from '../../src/coordinator/coordinator.js'
import { Replica } from '../../src/coordinator/replica.js'
import { RecordStore } from '../../src/store/record-store.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { siblingEquals } from '../../src/store/record.js'
import { unreplaced } from '../../src/store/superseded.js'
import { sync } from '../../src/version/index.js'
import { tempDir, bytes, text } from '../fixtures/cluster.js'
import type { KvClient } from '../../src/protocol/kv-client.js'
import type { Placement } from '../../src/coordinator/placement.js'
import type { KvRecord } from '../../src/store/record.js'

const dirs: string[] = []
const stores: RecordStore[] = []
after(async () => {
  await Promise.all(stores.map(async s => { await s.close() }))
  await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
})

const live = (record: KvRecord): string[] => unreplaced(record).filter(s => s.value !== null).map(s => text(s.value as Uint8Array)).sort()

describe('a minted record that was sent but not stored here', () => {
  test('a local write that fails past the put\'s deadline, the lock long had, fails with its own error, not a wait for the lock', async () => {
    const dir = await tempDir('meshkv-unstored-')
    dirs.push(dir)
    const store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
    await store.open()
    stores.push(store)
    const writes = (store as unknown as { writes: { put: (k: Uint8Array, v: Uint8Array) => Promise<void> } }).writes
    writes.put = async () => {
      await new Promise(resolve => setTimeout(resolve, 300))
      throw new Error('disk full')
    }
    const self = 'peer-a'
    const placement: Placement = {
      selfId: self,
      preferenceList: () => [self],
      health: () => 'healthy',
      sloppyTargets: () => ({ owners: [self], targets: [{ peer: self }], spares: [] })
    }
    const client = { sync: async (): Promise<void> => {} } as unknown as KvClient
    const replica = new Replica({ selfId: self, actor: `${self}.0mwtys000aaaaaaaa`, store, client, placement, maxValueBytes: 1024 })
    await assert.rejects(replica.coordinatePut({ key: 'k', sibling: { value: bytes('v'), timestamp: Date.now(), writeId: new Uint8Array(16).fill(3) }, context: [], n: 1, w: 1, timeoutMs: 100 }), /disk full/)
  })

  test('a put that waited for the key\'s lock while the actor was retired mints under the new actor', async () => {
    const dir = await tempDir('meshkv-unstored-')
    dirs.push(dir)
    const store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
    await store.open()
    stores.push(store)
    const writes = (store as unknown as { writes: { put: (k: Uint8Array, v: Uint8Array) => Promise<void> } }).writes
    const realPut = writes.put.bind(writes)
    let failNext = false
    writes.put = async (k, v) => {
      if (failNext) {
        failNext = false
        // slow to fail: the next put of the key is waiting for its lock by then
        await new Promise(resolve => setTimeout(resolve, 50))
        throw new Error('disk full')
      }
      return realPut(k, v)
    }
    const self = 'peer-a'
    const placement: Placement = {
      selfId: self,
      preferenceList: () => [self, 'peer-b'],
      health: () => 'healthy',
      sloppyTargets: () => ({ owners: [self, 'peer-b'], targets: [{ peer: self }, { peer: 'peer-b' }], spares: [] })
    }
    let atB: KvRecord | undefined
    const client = {
      sync: async (_peer: string, _key: string, record: KvRecord): Promise<void> => {
        atB = atB === undefined ? record : sync(atB, record, siblingEquals)
      }
    } as unknown as KvClient
    const replica = new Replica({ selfId: self, actor: `${self}.0mwtys000aaaaaaaa`, store, client, placement, maxValueBytes: 1024 })
    const coordinator = new Coordinator({
      placement,
      replica,
      client,
      quorums: { n: 2, r: 1, w: 2 },
      requestTimeoutMs: 2000,
      maxValueBytes: 1024,
      log: defaultLogger().forComponent('test'),
      metrics: new MetricsRegistry()
    })
    await coordinator.put('k', bytes('v0'))
    failNext = true
    const v1 = coordinator.put('k', bytes('v1'))
    const v2 = coordinator.put('k', bytes('v2'))
    await assert.rejects(v1, /disk full/)
    await v2
    assert.ok(atB !== undefined)
    assert.ok(live(atB).includes('v2'), `peer-b holds the acknowledged v2 (it holds ${JSON.stringify(live(atB))})`)
  })

  test('the next write of the key mints another dot, so no replica takes it for the first', async () => {
    const dir = await tempDir('meshkv-unstored-')
    dirs.push(dir)
    const store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
    await store.open()
    stores.push(store)
    // the store's record writes fail when told to, as on a full disk
    const writes = (store as unknown as { writes: { put: (k: Uint8Array, v: Uint8Array) => Promise<void> } }).writes
    const realPut = writes.put.bind(writes)
    let failNext = false
    writes.put = async (k, v) => {
      if (failNext) {
        failNext = false
        throw new Error('disk full')
      }
      return realPut(k, v)
    }
    const self = 'peer-a'
    const placement: Placement = {
      selfId: self,
      preferenceList: () => [self, 'peer-b'],
      health: () => 'healthy',
      sloppyTargets: () => ({ owners: [self, 'peer-b'], targets: [{ peer: self }, { peer: 'peer-b' }], spares: [] })
    }
    // peer-b: a replica that merges every record it is sent, as localSync does
    let atB: KvRecord | undefined
    const client = {
      sync: async (_peer: string, _key: string, record: KvRecord): Promise<void> => {
        atB = atB === undefined ? record : sync(atB, record, siblingEquals)
      }
    } as unknown as KvClient
    const replica = new Replica({ selfId: self, actor: `${self}.0mwtys000aaaaaaaa`, store, client, placement, maxValueBytes: 1024 })
    const coordinator = new Coordinator({
      placement,
      replica,
      client,
      quorums: { n: 2, r: 1, w: 2 },
      requestTimeoutMs: 2000,
      maxValueBytes: 1024,
      log: defaultLogger().forComponent('test'),
      metrics: new MetricsRegistry()
    })
    // the key is stored here already, so its writes mint under an actor its record holds
    await coordinator.put('k', bytes('v0'))
    failNext = true
    await assert.rejects(coordinator.put('k', bytes('v1')), /disk full/)
    assert.deepEqual(atB === undefined ? [] : live(atB), ['v0', 'v1'], 'peer-b got the failed mint while the local write was in flight')
    await coordinator.put("k", bytes("v2"))
    assert.ok(atB !== undefined)
    assert.ok(live(atB).includes('v2'), `peer-b holds the acknowledged v2 (it holds ${JSON.stringify(live(atB))})`)
    assert.deepEqual(live(await store.get('k') as KvRecord), ['v0', 'v2'])
  })
})
