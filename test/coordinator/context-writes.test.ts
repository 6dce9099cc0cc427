/**
 * A write minted twice (a hedge: the coordinator's own mint and another
 * replica's, neither seeing the other's first) leaves the client a context
 * that covers only one of the two dots. A later write with that context
 * must still hide the other mint, also when the replica that mints the
 * later write holds no record of the key (a stand-in during a partition):
 * the context names the writes it covers, not only their dots.
 *
 * Seen in the partition fault test: a value written before a 2|3 partition
 * (minted twice under load), deleted on the other side by a stand-in, was
 * back after the heal ("resurrected").
 *
 * Three replicas here, each its own Coordinator, Replica and RecordStore,
 * and each the only target of the key in its own placement (n=1), so the
 * test chooses where every write is minted.
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
import { siblingEquals, WRITE_ID_BYTES } from '../../src/store/record.js'
import { unreplaced } from '../../src/store/superseded.js'
import { syncAll } from '../../src/version/index.js'
import { tempDir, bytes, text } from '../fixtures/cluster.js'
import type { KvClient } from '../../src/protocol/kv-client.js'
import type { Placement } from '../../src/coordinator/placement.js'
import type { KvRecord } from '../../src/store/record.js'

interface Peer { coordinator: Coordinator, store: RecordStore }

const dirs: string[] = []
const stores: RecordStore[] = []
after(async () => {
  await Promise.all(stores.map(async s => { await s.close() }))
  await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
})

async function peer (id: string): Promise<Peer> {
  const dir = await tempDir('meshkv-ctxw-')
  dirs.push(dir)
  const store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
  await store.open()
  stores.push(store)
  const placement: Placement = {
    selfId: id,
    preferenceList: () => [id],
    health: () => 'healthy',
    sloppyTargets: () => ({ owners: [id], targets: [{ peer: id }], spares: [] })
  }
  // no other replica is ever asked: n=1 and this peer is the key's only target
  const client = {} as unknown as KvClient
  const replica = new Replica({ selfId: id, actor: `${id}.0mwtys000aaaaaaaa`, store, client, placement, maxValueBytes: 1024 })
  const coordinator = new Coordinator({
    placement,
    replica,
    client,
    quorums: { n: 1, r: 1, w: 1 },
    requestTimeoutMs: 2000,
    maxValueBytes: 1024,
    log: defaultLogger().forComponent('test'),
    metrics: new MetricsRegistry()
  })
  return { coordinator, store }
}

const live = (record: KvRecord): string[] => unreplaced(record).filter(s => s.value !== null).map(s => text(s.value as Uint8Array)).sort()

describe('a context names the writes it covers', () => {
  test('a delete by a replica that never held the key hides the other mint of the value it deleted', async () => {
    const [x, y, z] = [await peer('peer-x'), await peer('peer-y'), await peer('peer-z')]
    const key = 'doomed'
    const writeId = Uint8Array.from({ length: WRITE_ID_BYTES }, (_, i) => i + 1)
    // the write, minted at x; the client is shown x's record
    const put = await x.coordinator.put(key, bytes('v0'), { writeId })
    // the same write minted again at y, which had not seen x's mint (a hedge)
    await y.coordinator.put(key, bytes('v0'), { writeId })
    // deleted with the put's context at z, a stand-in holding nothing of the key
    await z.coordinator.delete(key, { context: put.context })
    const records = await Promise.all([x, y, z].map(async p => p.store.get(key)))
    const merged = syncAll(records.filter((r): r is KvRecord => r !== undefined), siblingEquals)
    assert.deepEqual(live(merged), [], 'the deleted value stays deleted, whichever replica minted the delete')
  })

  test('a put with the context of a read hides the other mint too', async () => {
    const [x, y, z] = [await peer('peer-x2'), await peer('peer-y2'), await peer('peer-z2')]
    const key = 'replaced'
    const writeId = Uint8Array.from({ length: WRITE_ID_BYTES }, (_, i) => 100 + i)
    await x.coordinator.put(key, bytes('old'), { writeId })
    await y.coordinator.put(key, bytes('old'), { writeId })
    const read = await x.coordinator.get(key)
    assert.deepEqual(read.values.map(text), ['old'])
    await z.coordinator.put(key, bytes('new'), { context: read.context })
    const records = await Promise.all([x, y, z].map(async p => p.store.get(key)))
    const merged = syncAll(records.filter((r): r is KvRecord => r !== undefined), siblingEquals)
    assert.deepEqual(live(merged), ['new'])
  })
})
