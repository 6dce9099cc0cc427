/**
 * This peer's share of the usage of buckets with quotas: one pass over its
 * stored keys, counting a key of such a bucket when it is live (a delete
 * does not count) and this peer is the first of its owners that is not
 * down. Every peer with the same view counts each key once. A pass costs a
 * scan of the local store (only records of counted buckets are decoded),
 * so it runs once a refresh period, not per write.
 */
import { unreplaced } from '../store/superseded.js'
import { distinctWrites } from '../store/record.js'
import { bucketOf } from './encoding.js'
import type { RecordStore } from '../store/record-store.js'
import type { Placement } from '../coordinator/placement.js'
import type { Usage } from './usage.js'

export interface CounterInit {
  store: RecordStore
  placement: Placement
  /** replicas of an internal key (its bucket's n) */
  replicasOf: (key: string) => number
}

export async function countLocalUsage (init: CounterInit, buckets: ReadonlySet<string>, signal?: AbortSignal): Promise<Record<string, Usage>> {
  const out: Record<string, Usage> = {}
  for (const b of buckets) out[b] = { keys: 0, bytes: 0 }
  if (buckets.size === 0) return out
  const { store, placement } = init
  for await (const [key] of store.encodedEntries()) {
    signal?.throwIfAborted()
    const bucket = bucketOf(key)
    if (bucket === undefined || !buckets.has(bucket)) continue
    const owners = placement.preferenceList(key, init.replicasOf(key))
    if (owners.find(p => placement.health(p) !== 'down') !== placement.selfId) continue
    const record = await store.get(key)
    if (record === undefined) continue
    const live = distinctWrites(unreplaced(record)).filter(s => s.value !== null)
    if (live.length === 0) continue
    out[bucket].keys++
    out[bucket].bytes += live.reduce((sum, s) => sum + (s.value?.byteLength ?? 0), 0)
  }
  return out
}
