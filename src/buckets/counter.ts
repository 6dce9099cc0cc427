/**
 * This peer's share of the usage of buckets with quotas. The live keys of
 * each counted bucket and the bytes of their live values are kept in memory,
 * following the store (`store.watch`, as the Merkle index does), after one
 * scan of the store when a bucket starts being counted. A count then walks
 * only those keys: a key counts when this peer is the first of its owners
 * that is not down, so every peer with the same view counts each key once.
 * Memory: one entry per live key of a bucket with a quota held here.
 */
import { unreplaced } from '../store/superseded.js'
import { distinctWrites } from '../store/record.js'
import { bucketOf } from './encoding.js'
import type { RecordStore } from '../store/record-store.js'
import type { KvRecord } from '../store/record.js'
import type { Placement } from '../coordinator/placement.js'
import type { Usage } from './usage.js'

export interface CounterInit {
  store: RecordStore
  placement: Placement
  /** replicas of an internal key (its bucket's n) */
  replicasOf: (key: string) => number
}

/** The bytes of a record's live values; undefined when it holds none (deletes only). */
function liveBytes (record: KvRecord | undefined): number | undefined {
  if (record === undefined) return undefined
  const live = distinctWrites(unreplaced(record)).filter(s => s.value !== null)
  return live.length === 0 ? undefined : live.reduce((sum, s) => sum + (s.value?.byteLength ?? 0), 0)
}

export class UsageCounter {
  /** bucket -> internal key -> bytes of its live values */
  private readonly live = new Map<string, Map<string, number>>()
  /** keys changed while their bucket's first scan runs: the watcher saw them last, the scan must not undo it */
  private readonly touched = new Map<string, Set<string>>()
  private unwatch?: () => void

  constructor (private readonly init: CounterInit) {}

  start (): void {
    this.unwatch ??= this.init.store.watch((key, _before, after) => {
      const bucket = bucketOf(key)
      const keys = bucket === undefined ? undefined : this.live.get(bucket)
      if (bucket === undefined || keys === undefined) return
      this.touched.get(bucket)?.add(key)
      const bytes = liveBytes(after)
      if (bytes === undefined) keys.delete(key)
      else keys.set(key, bytes)
    })
  }

  stop (): void {
    this.unwatch?.()
    this.unwatch = undefined
    this.live.clear()
  }

  /** This peer's share of each bucket's usage; buckets counted for the first time are scanned for first. */
  async count (buckets: ReadonlySet<string>, signal?: AbortSignal): Promise<Record<string, Usage>> {
    for (const b of [...this.live.keys()]) if (!buckets.has(b)) this.live.delete(b)
    await this.scan([...buckets].filter(b => !this.live.has(b)), signal)
    const { placement } = this.init
    const out: Record<string, Usage> = {}
    for (const b of buckets) {
      const usage = { keys: 0, bytes: 0 }
      for (const [key, bytes] of this.live.get(b) ?? []) {
        const owners = placement.preferenceList(key, this.init.replicasOf(key))
        if (owners.find(p => placement.health(p) !== 'down') !== placement.selfId) continue
        usage.keys++
        usage.bytes += bytes
      }
      out[b] = usage
    }
    return out
  }

  private async scan (buckets: string[], signal?: AbortSignal): Promise<void> {
    if (buckets.length === 0) return
    const fresh = new Map(buckets.map(b => [b, new Map<string, number>()]))
    for (const [b, keys] of fresh) { this.live.set(b, keys); this.touched.set(b, new Set()) }
    try {
      for await (const [key] of this.init.store.encodedEntries()) {
        signal?.throwIfAborted()
        const bucket = bucketOf(key)
        const keys = bucket === undefined ? undefined : fresh.get(bucket)
        if (bucket === undefined || keys === undefined) continue
        const bytes = liveBytes(await this.init.store.get(key, { keep: false }))
        if (this.touched.get(bucket)?.has(key) === true) continue
        if (bytes !== undefined) keys.set(key, bytes)
      }
    } catch (err) {
      // a scan cut short leaves its buckets unscanned: the next count scans them again
      for (const b of buckets) this.live.delete(b)
      throw err
    } finally {
      for (const b of buckets) this.touched.delete(b)
    }
  }
}
