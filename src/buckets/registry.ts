/**
 * Every peer's view of the buckets: the catalog of bucket properties and
 * the cluster-wide usage of buckets with quotas, both kept as records in
 * the system bucket (read and written with the cluster's quorums), cached
 * here and refreshed every `refreshMs`. A bucket this peer has not heard of
 * is read through at once (at most once per MISS_TTL_MS per name), so a
 * bucket created through any peer is usable through this one right away,
 * and its changed properties within one refresh period.
 *
 * Usage: each refresh, this peer counts its share (src/buckets/counter.ts),
 * publishes it, and sums the latest records of the members that are up.
 * A write is checked against that sum: enforcement lags the truth by at
 * most the time for a write to be counted, published and read, about two
 * refresh periods (docs/buckets.md).
 */
import { InvalidBucketError, NoSuchBucketError } from '../errors.js'
import { bucketKey, bucketOf, DEFAULT_BUCKET, SYSTEM_BUCKET, validateBucketName } from './encoding.js'
import { decodeCatalog, encodeCatalog, MAX_BUCKETS, mergeCatalogs, validateSettings } from './properties.js'
import { decodeUsage, encodeUsage, latestUsage, sumUsage } from './usage.js'
import type { BucketProps, Catalog } from './properties.js'
import type { Usage, UsageRecord } from './usage.js'
import type { Quorums } from '../coordinator/coordinator.js'
import type { UsageCounter } from './counter.js'
import type { Logger } from '@libp2p/interface'

/** The system bucket's kv, through the coordinator with the cluster's quorums. */
export interface SystemKv {
  get: (key: string) => Promise<{ values: Uint8Array[], context: string }>
  put: (key: string, value: Uint8Array, context: string) => Promise<{ context: string }>
}

export interface BucketRegistryInit {
  kv: SystemKv
  selfId: string
  /** the cluster's quorums now */
  cluster: () => Quorums
  /** peers whose usage records count: members in the ring that are not down */
  countingPeers: () => string[]
  /** this peer's share of the usage of buckets (src/buckets/counter.ts) */
  counter: Pick<UsageCounter, 'start' | 'stop' | 'count'>
  refreshMs: number
  log: Logger
}

export const CATALOG_KEY = bucketKey(SYSTEM_BUCKET, 'buckets')
export const usageKey = (peer: string): string => bucketKey(SYSTEM_BUCKET, `usage/${peer}`)

/** How long a name found in no catalog is answered "no such bucket" without reading again. */
const MISS_TTL_MS = 1_000
const MAX_MISSES = 1024

export class BucketRegistry {
  private catalog: Catalog = new Map()
  private usage = new Map<string, Usage>()
  /** each counting peer's latest usage record seen: a read that fails or meets an older copy keeps it */
  private peerUsage = new Map<string, UsageRecord>()
  private readonly misses = new Map<string, number>()
  private loading?: Promise<void>
  private usageContext?: string
  private timer?: ReturnType<typeof setTimeout>
  private ticking?: Promise<void>
  private readonly abort = new AbortController()

  constructor (private readonly init: BucketRegistryInit) {}

  start (): void {
    this.init.counter.start()
    this.schedule(0)
  }

  async stop (): Promise<void> {
    this.abort.abort()
    clearTimeout(this.timer)
    await this.ticking?.catch(() => {})
    this.init.counter.stop()
  }

  /** A bucket's properties (the default bucket's are the cluster's: none set); NoSuchBucket for one nobody created. */
  async props (name: string): Promise<BucketProps> {
    validateBucketName(name)
    if (name === DEFAULT_BUCKET) return { name, updated: 0 }
    const cached = this.catalog.get(name)
    if (cached !== undefined) return cached
    const missed = this.misses.get(name)
    if (missed === undefined || performance.now() - missed > MISS_TTL_MS) {
      await this.loadCatalog()
      if (this.catalog.has(name)) return this.catalog.get(name) as BucketProps
      if (this.misses.size >= MAX_MISSES) this.misses.clear()
      this.misses.set(name, performance.now())
    }
    throw new NoSuchBucketError(name)
  }

  /** Every bucket this peer knows of, read through first. */
  async list (): Promise<BucketProps[]> {
    await this.loadCatalog()
    return [{ name: DEFAULT_BUCKET, updated: 0 }, ...[...this.catalog.values()].sort((a, b) => a.name < b.name ? -1 : 1)]
  }

  /**
   * Set a bucket's properties (creating it): read the catalog, resolve its
   * siblings, set this entry, write it back with the read's context.
   */
  async set (name: string, raw: unknown): Promise<BucketProps> {
    validateBucketName(name)
    if (name === DEFAULT_BUCKET) throw new InvalidBucketError('the default bucket\'s properties are the cluster\'s (n, r, w in the config); create a named bucket for others')
    const settings = validateSettings(raw, this.init.cluster().n)
    const { catalog, context } = await this.readCatalog()
    const before = catalog.get(name)
    if (before === undefined && catalog.size >= MAX_BUCKETS) throw new InvalidBucketError(`a cluster holds at most ${MAX_BUCKETS} buckets`)
    const entry: BucketProps = { name, ...settings, updated: Math.max(Date.now(), (before?.updated ?? 0) + 1) }
    catalog.set(name, entry)
    const bytes = encodeCatalog(catalog)
    try {
      await this.init.kv.put(CATALOG_KEY, bytes, context)
    } catch (err) {
      // the catalog is one value: a cluster with a small maxValueBytes holds fewer buckets
      if ((err as { code?: string }).code === 'ERR_PAYLOAD_TOO_LARGE') throw new InvalidBucketError(`the bucket catalog would be ${bytes.byteLength} bytes, over this cluster's maxValueBytes: no room for another bucket`)
      throw err
    }
    this.catalog = catalog
    this.misses.delete(name)
    return entry
  }

  /** The quorums of a bucket's keys: its own within the cluster's n, the cluster's where it sets none. */
  quorumsOf (props: BucketProps): Quorums {
    const cluster = this.init.cluster()
    const n = Math.min(props.n ?? cluster.n, cluster.n)
    const fallback = (q: number): number => props.n === undefined ? Math.min(q, n) : Math.floor(n / 2) + 1
    return { n, r: Math.min(props.r ?? fallback(cluster.r), n), w: Math.min(props.w ?? fallback(cluster.w), n) }
  }

  /**
   * The quorums of an internal key, read through (an import: a catalog
   * imported just before is known): its bucket's, else the cluster's (the
   * default and system buckets, or a bucket no catalog names: more copies
   * than it asks for, never fewer).
   */
  async quorumsOfKey (key: string): Promise<Quorums> {
    const bucket = bucketOf(key)
    if (bucket === undefined || bucket === DEFAULT_BUCKET || bucket === SYSTEM_BUCKET) return this.init.cluster()
    try {
      return this.quorumsOf(await this.props(bucket))
    } catch {
      return this.init.cluster()
    }
  }

  /** Replicas of an internal key, from the cache (hot paths: anti-entropy, hints). */
  replicasOf (key: string): number {
    const bucket = bucketOf(key)
    const props = bucket === undefined ? undefined : this.catalog.get(bucket)
    return props === undefined ? this.init.cluster().n : this.quorumsOf(props).n
  }

  /** The bucket's cluster-wide usage as last summed (zero before the first sum). */
  usageOf (name: string): Usage {
    return this.usage.get(name) ?? { keys: 0, bytes: 0 }
  }

  /** One refresh now (tests, and after a bucket's quota changed). */
  async refresh (): Promise<void> {
    await this.loadCatalog()
    const counted = new Set([...this.catalog.values()].filter(p => p.maxKeys !== undefined || p.maxBytes !== undefined).map(p => p.name))
    if (counted.size === 0) { this.usage = new Map(); return }
    const mine: UsageRecord = { at: Date.now(), buckets: await this.init.counter.count(counted, this.abort.signal) }
    await this.publish(mine)
    const others = this.init.countingPeers().filter(p => p !== this.init.selfId)
    const records = await Promise.all(others.map(async peer => {
      const known = this.peerUsage.get(peer)
      try {
        const read = latestUsage((await this.init.kv.get(usageKey(peer))).values.map(decodeUsage))
        return latestUsage([known, read])
      } catch (err) {
        this.init.log('usage of %s not read: %s', peer, (err as Error).message)
        return known
      }
    }))
    // only the peers counting now are kept (the map is bounded by the membership)
    this.peerUsage = new Map(others.flatMap((peer, i) => records[i] === undefined ? [] : [[peer, records[i] as UsageRecord]]))
    this.usage = sumUsage([mine, ...this.peerUsage.values()])
  }

  private async publish (mine: UsageRecord): Promise<void> {
    const key = usageKey(this.init.selfId)
    try {
      // the first write after a start reads first: a blind write would be a sibling of the last one
      this.usageContext ??= (await this.init.kv.get(key)).context
      this.usageContext = (await this.init.kv.put(key, encodeUsage(mine), this.usageContext)).context
    } catch (err) {
      this.usageContext = undefined
      this.init.log('usage not published: %s', (err as Error).message)
    }
  }

  private async readCatalog (): Promise<{ catalog: Catalog, context: string }> {
    const got = await this.init.kv.get(CATALOG_KEY)
    return { catalog: mergeCatalogs(got.values.map(decodeCatalog)), context: got.context }
  }

  /** Read the catalog once for everyone waiting on it. */
  private async loadCatalog (): Promise<void> {
    this.loading ??= (async () => {
      try {
        const { catalog } = await this.readCatalog()
        // a bucket set here that a lagging read does not show yet is kept
        this.catalog = mergeCatalogs([this.catalog, catalog])
      } finally {
        this.loading = undefined
      }
    })()
    await this.loading
  }

  private schedule (ms: number): void {
    if (this.abort.signal.aborted) return
    this.timer = setTimeout(() => {
      this.ticking = this.refresh()
        .catch(err => { if (!this.abort.signal.aborted) this.init.log('bucket refresh failed: %s', (err as Error).message) })
        .finally(() => { this.schedule(this.init.refreshMs) })
    }, ms)
    this.timer.unref?.()
  }
}
