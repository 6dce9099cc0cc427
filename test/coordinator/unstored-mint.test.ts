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
import type { KeyLock } from '../../src/store/key-lock.js'

const dirs: string[] = []
const stores: RecordStore[] = []
after(async () => {
  await Promise.all(stores.map(async s => { await s.close() }))
  await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
})

const live = (record: KvRecord): string[] => unreplaced(record).filter(s => s.value !== null).map(s => text(s.value as Uint8Array)).sort()

interface Setup {
  store: RecordStore
  replica: Replica
  coordinator: Coordinator
  /** what peer-b holds: every record it was sent, merged as localSync does */
  atB: () => KvRecord | undefined
  /** the store's next record write fails (after `delayMs`), as on a full disk */
  failNextWrite: (delayMs?: number) => void
}

/** peer-a, a real store and replica, with peer-b (a recording stand-in for a remote replica) as its co-replica when n is 2 */
async function setup (n: 1 | 2): Promise<Setup> {
  const dir = await tempDir('meshkv-unstored-')
  dirs.push(dir)
  const store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
  await store.open()
  stores.push(store)
  const writes = (store as unknown as { writes: { put: (k: Uint8Array, v: Uint8Array) => Promise<void> } }).writes
  const realPut = writes.put.bind(writes)
  let fail: number | undefined
  writes.put = async (k, v) => {
    if (fail === undefined) return realPut(k, v)
    const delayMs = fail
    fail = undefined
    await new Promise(resolve => setTimeout(resolve, delayMs))
    throw new Error('disk full')
  }
  const self = 'peer-a'
  const peers = n === 1 ? [self] : [self, 'peer-b']
  const placement: Placement = {
    selfId: self,
    preferenceList: () => peers,
    health: () => 'healthy',
    sloppyTargets: () => ({ owners: peers, targets: peers.map(peer => ({ peer })), spares: [] })
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
    quorums: { n, r: 1, w: n },
    requestTimeoutMs: 2000,
    maxValueBytes: 1024,
    log: defaultLogger().forComponent('test'),
    metrics: new MetricsRegistry()
  })
  return { store, replica, coordinator, atB: () => atB, failNextWrite: (delayMs = 0) => { fail = delayMs } }
}

describe('a minted record that was sent but not stored here', () => {
  test('a local write that fails past the put\'s deadline, the lock long had, fails with its own error, not a wait for the lock', async () => {
    const { replica, failNextWrite } = await setup(1)
    failNextWrite(300)
    await assert.rejects(replica.coordinatePut({ key: 'k', sibling: { value: bytes('v'), timestamp: Date.now(), writeId: new Uint8Array(16).fill(3) }, context: [], n: 1, w: 1, timeoutMs: 100 }), /disk full/)
  })

  test('a put that waits for the key\'s lock past its deadline fails as a wait for the lock, and mints nothing', async () => {
    const { store, replica } = await setup(1)
    const { lock } = store as unknown as { lock: KeyLock }
    let release = (): void => {}
    const held = lock.run('k', async () => { await new Promise<void>(resolve => { release = resolve }) })
    const put = replica.coordinatePut({ key: 'k', sibling: { value: bytes('v'), timestamp: Date.now(), writeId: new Uint8Array(16).fill(4) }, context: [], n: 1, w: 1, timeoutMs: 100 })
    await assert.rejects(put, (err: Error & { code?: string }) => err.code === 'ERR_TIMEOUT' && /waited 100 ms for the key's lock/.test(err.message))
    release()
    await held
    assert.equal(await store.get('k'), undefined, 'the put that gave up wrote nothing once the lock was free')
    assert.equal(lock.pending, 0)
  })

  test('a put that waited for the key\'s lock while the actor was retired mints under the new actor', async () => {
    const { coordinator, atB, failNextWrite } = await setup(2)
    await coordinator.put('k', bytes('v0'))
    // slow to fail: the next put of the key is waiting for its lock by then
    failNextWrite(50)
    const v1 = coordinator.put('k', bytes('v1'))
    const v2 = coordinator.put('k', bytes('v2'))
    await assert.rejects(v1, /disk full/)
    await v2
    const b = atB()
    assert.ok(b !== undefined)
    assert.ok(live(b).includes('v2'), `peer-b holds the acknowledged v2 (it holds ${JSON.stringify(live(b))})`)
  })

  test('the next write of the key mints another dot, so no replica takes it for the first', async () => {
    const { store, coordinator, atB, failNextWrite } = await setup(2)
    // the key is stored here already, so its writes mint under an actor its record holds
    await coordinator.put('k', bytes('v0'))
    failNextWrite()
    await assert.rejects(coordinator.put('k', bytes('v1')), /disk full/)
    assert.deepEqual(live(atB() as KvRecord), ['v0', 'v1'], 'peer-b got the failed mint while the local write was in flight')
    await coordinator.put('k', bytes('v2'))
    const b = atB()
    assert.ok(b !== undefined)
    assert.ok(live(b).includes('v2'), `peer-b holds the acknowledged v2 (it holds ${JSON.stringify(live(b))})`)
    assert.deepEqual(live(await store.get('k') as KvRecord), ['v0', 'v2'])
  })
})
