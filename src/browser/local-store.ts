/**
 * What a browser tab keeps for itself, apart from the node's replica store:
 * the writes it made while no peer was reachable (the outbox), and the last
 * values and context it saw of each key (the cache it answers stale reads
 * from). On `level`, so IndexedDB in a browser (browser-level, through
 * level's own browser field) and LevelDB in Node: both survive a reload.
 * The outbox is mirrored in memory (it is bounded); the cache is not.
 */
import { Level } from 'level'
import { QueueFullError } from '../errors.js'

/** A write waiting for a peer: the context it was made with makes it a sibling of what others wrote meanwhile. */
export interface PendingWrite {
  key: string
  /** the value, or null for a delete */
  value: string | null
  /** the causal context of what this tab had seen of the key when it wrote */
  context: string
  /** hex write id: a retry after a half-applied send is applied once */
  writeId: string
  /** when it was queued (ms since the epoch), for showing and ordering */
  at: number
}

/** The last state of a key this tab saw from the cluster (or wrote). */
export interface CachedKey {
  values: string[]
  context: string
  /** when it was read or written (ms since the epoch) */
  at: number
}

export interface LocalStoreInit {
  /** database name (an IndexedDB database in a browser, a directory in Node) */
  location: string
  /** most queued writes (one per key: a later write to a queued key replaces it) */
  maxPending: number
  /** most bytes the queued writes take, as stored (values and contexts): the outbox is held in memory too */
  maxPendingBytes: number
  /** most cached keys; past it the oldest entries are dropped */
  maxCached: number
}

const PENDING = 'p/'
const CACHED = 'c/'
/** cached keys dropped at once when over maxCached */
const EVICT_BATCH = 64

export class LocalStore {
  private readonly db: Level<string, string>
  private readonly outbox = new Map<string, PendingWrite>()
  /** the stored size of each queued write, and their sum */
  private readonly sizes = new Map<string, number>()
  private pendingBytes = 0
  private cachedCount = 0

  constructor (private readonly init: LocalStoreInit) {
    this.db = new Level<string, string>(init.location, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  }

  async open (): Promise<void> {
    await this.db.open()
    for await (const [k, v] of this.db.iterator({ gte: PENDING, lt: 'p0' })) {
      const w = parsePending(v)
      if (w !== undefined && w.key === k.slice(PENDING.length)) this.hold(w, v.length)
    }
    for await (const _ of this.db.keys({ gte: CACHED, lt: 'c0' })) this.cachedCount++
  }

  async close (): Promise<void> {
    await this.db.close()
  }

  /** the queued writes, oldest first */
  pending (): PendingWrite[] {
    return [...this.outbox.values()].sort((a, b) => a.at - b.at)
  }

  pendingFor (key: string): PendingWrite | undefined {
    return this.outbox.get(key)
  }

  /** bytes the queued writes take */
  pendingSize (): number {
    return this.pendingBytes
  }

  /**
   * Queue a write (replacing this key's queued one); QueueFullError when the
   * outbox is full. Its place is taken before the write to disk, so writes
   * queued at once cannot all pass the bound.
   */
  async queue (write: PendingWrite): Promise<void> {
    const raw = JSON.stringify(write)
    const before = this.outbox.get(write.key)
    if (before === undefined && this.outbox.size >= this.init.maxPending) throw new QueueFullError(this.outbox.size)
    const beforeSize = this.sizes.get(write.key)
    const bytes = this.pendingBytes - (beforeSize ?? 0) + raw.length
    if (bytes > this.init.maxPendingBytes) throw new QueueFullError(this.outbox.size, { bytes: raw.length, limit: this.init.maxPendingBytes })
    this.hold(write, raw.length)
    try {
      await this.db.put(PENDING + write.key, raw)
    } catch (err) {
      // not on disk: not queued (unless a later write replaced it meanwhile)
      if (this.outbox.get(write.key) === write) {
        this.drop(write.key)
        if (before !== undefined && beforeSize !== undefined) this.hold(before, beforeSize)
      }
      throw err
    }
  }

  /** The write `writeId` of `key` was sent: it leaves the outbox, unless a newer write replaced it meanwhile. */
  async sent (key: string, writeId: string): Promise<void> {
    if (this.outbox.get(key)?.writeId !== writeId) return
    this.drop(key)
    await this.db.del(PENDING + key)
  }

  private hold (write: PendingWrite, size: number): void {
    this.drop(write.key)
    this.outbox.set(write.key, write)
    this.sizes.set(write.key, size)
    this.pendingBytes += size
  }

  private drop (key: string): void {
    this.pendingBytes -= this.sizes.get(key) ?? 0
    this.sizes.delete(key)
    this.outbox.delete(key)
  }

  async cached (key: string): Promise<CachedKey | undefined> {
    const raw = await this.db.get(CACHED + key)
    return raw === undefined ? undefined : parseCached(raw)
  }

  async cache (key: string, entry: CachedKey): Promise<void> {
    const known = (await this.db.get(CACHED + key)) !== undefined
    await this.db.put(CACHED + key, JSON.stringify(entry))
    if (!known && ++this.cachedCount > this.init.maxCached) await this.evict()
  }

  /** Drop some cached keys (in key order: cheap, and a cache miss only means no stale answer offline). */
  private async evict (): Promise<void> {
    const drop: string[] = []
    for await (const k of this.db.keys({ gte: CACHED, lt: 'c0', limit: EVICT_BATCH })) drop.push(k)
    await this.db.batch(drop.map(k => ({ type: 'del' as const, key: k })))
    this.cachedCount -= drop.length
  }
}

function parsePending (raw: string): PendingWrite | undefined {
  try {
    const w = JSON.parse(raw) as PendingWrite
    const ok = typeof w.key === 'string' && (typeof w.value === 'string' || w.value === null) &&
      typeof w.context === 'string' && typeof w.writeId === 'string' && typeof w.at === 'number'
    return ok ? w : undefined
  } catch {
    return undefined
  }
}

function parseCached (raw: string): CachedKey | undefined {
  try {
    const c = JSON.parse(raw) as CachedKey
    return Array.isArray(c.values) && typeof c.context === 'string' ? c : undefined
  } catch {
    return undefined
  }
}
