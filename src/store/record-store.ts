/**
 * The replica's records on datastore-level (LevelDB in Node through
 * classic-level). Keys are namespaced `/r/<base64url(key)>` so any user key
 * is stored losslessly; hints and metadata live under their own prefixes.
 */
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { fromString, toString } from 'uint8arrays'
import { DEFAULT_STORE_CACHE_BYTES, MAX_QUEUED_WRITE_BYTES, MAX_QUEUED_WRITES, MAX_RECORD_BYTES, MAX_WRITE_BATCH } from '../constants.js'
import { RecordTooLargeError } from '../errors.js'
import { MetricsRegistry } from '../metrics.js'
import { HotRecords } from './hot-records.js'
import { KeyLock } from './key-lock.js'
import type { LockWait } from './key-lock.js'
import { RECORD_PREFIX, recordKey } from './record-key.js'
import { decodeOwnRecord, decodeRecord, encodeRecord, OWN_RECORD_LIMITS } from './record.js'
import { WriteBatcher } from './write-batcher.js'
import type { KvRecord, RecordLimits } from './record.js'

/** a change to a stored record: `after` undefined when it was removed */
export type RecordWatcher = (key: string, before: KvRecord | undefined, after: KvRecord | undefined) => void

export interface RecordStoreInit {
  /** directory of the LevelDB database */
  path: string
  /** fsync every acknowledged write (slower; survives power loss, not just a crash) */
  fsync?: boolean
  limits: RecordLimits
  /** largest encoded record stored (default MAX_RECORD_BYTES: what fits in a frame) */
  maxRecordBytes?: number
  /** where the store's counters go (a registry of its own when absent) */
  metrics?: MetricsRegistry
  /** bound on record writes waiting for LevelDB (default MAX_QUEUED_WRITES), and on their bytes (MAX_QUEUED_WRITE_BYTES) */
  maxQueuedWrites?: number
  maxQueuedWriteBytes?: number
  /** bytes of recently read records kept decoded (src/store/hot-records.ts; default DEFAULT_STORE_CACHE_BYTES, 0 keeps none) */
  cacheBytes?: number
}

/** just past every record key ('0' follows '/') */
const RECORD_END = '/r0'

export class RecordStore {
  private readonly datastore: LevelDatastore
  private readonly lock = new KeyLock()
  private readonly writes: WriteBatcher
  private readonly limits: RecordLimits
  private readonly fsync: boolean
  private readonly maxRecordBytes: number
  private opened = false
  private readonly watchers: RecordWatcher[] = []
  /** recently read records, decoded; an entry is dropped when its key is written or removed */
  private readonly hot: HotRecords

  constructor (init: RecordStoreInit) {
    const db = new Level<string, Uint8Array>(init.path, { keyEncoding: 'utf8', valueEncoding: 'view' })
    this.datastore = new LevelDatastore(db)
    this.writes = new WriteBatcher({
      db,
      sync: init.fsync === true,
      maxBatch: MAX_WRITE_BATCH,
      maxQueued: init.maxQueuedWrites ?? MAX_QUEUED_WRITES,
      maxQueuedBytes: init.maxQueuedWriteBytes ?? MAX_QUEUED_WRITE_BYTES,
      metrics: init.metrics ?? new MetricsRegistry()
    })
    this.limits = init.limits
    this.fsync = init.fsync === true
    this.maxRecordBytes = init.maxRecordBytes ?? MAX_RECORD_BYTES
    this.hot = new HotRecords(init.cacheBytes ?? DEFAULT_STORE_CACHE_BYTES)
    const metrics = init.metrics
    metrics?.gauge('meshkv_store_cache_bytes', 'bytes of recently read records this replica keeps decoded', () => [[{}, this.hot.bytes]])
    metrics?.counterFrom('meshkv_store_cache_reads_total', 'record reads by whether the store\'s cache of recently read records answered them (hit) or LevelDB did (miss)', () => [[{ outcome: 'hit' }, this.hot.hits], [{ outcome: 'miss' }, this.hot.misses]])
  }

  /** writes stored so far and the LevelDB batches they went out in */
  get writeStats (): { batches: number, writes: number } {
    return this.writes.stats
  }

  /** record writes waiting for the next LevelDB batch */
  get queuedWrites (): number {
    return this.writes.queued
  }

  /** LevelDB's estimate of the bytes the records take on disk (undefined where the backend cannot say). */
  async approximateRecordBytes (): Promise<number | undefined> {
    const db = this.datastore.db as unknown as { approximateSize?: (start: string, end: string) => Promise<number> }
    if (typeof db.approximateSize !== 'function') return undefined
    return db.approximateSize(RECORD_PREFIX, RECORD_END)
  }

  /** The datastore, for other stores of this node (hints, metadata) to share. */
  get raw (): LevelDatastore {
    return this.datastore
  }

  async open (): Promise<void> {
    await this.datastore.open()
    this.opened = true
  }

  async close (): Promise<void> {
    if (!this.opened) return
    this.opened = false
    this.hot.clear()
    await this.datastore.close()
  }

  /** The record stored for key. `options.keep` false: a scan's read, not kept in the cache of read records (it would push out the hot ones). */
  async get (key: string, options?: { keep?: boolean }): Promise<KvRecord | undefined> {
    return this.read(recordKey(key), options?.keep !== false)
  }

  /** Whether getSync can be used: the database reads synchronously (classic-level); IndexedDB (browser-level) only reads asynchronously. */
  get syncReads (): boolean {
    return (this.datastore.db.supports as { getSync?: boolean }).getSync === true
  }

  /**
   * The record stored for key as the anti-entropy index reads it back, to
   * digest it: synchronously (only where syncReads), from the cache of read
   * records without counting or marking it (a client's reads set those),
   * else from LevelDB without keeping it; decoded without the value limit
   * (the store took these records: a limit lowered since must not leave
   * them out of the index, where a co-replica holding the same would seem
   * to differ). Throws as a LevelDB read or a decode does.
   */
  readBack (key: string): KvRecord | undefined {
    const dbKey = recordKey(key)
    const held = this.hot.peek(dbKey)
    if (held !== undefined) return held
    const bytes = this.datastore.db.getSync(dbKey)
    return bytes === undefined ? undefined : decodeRecord(bytes, OWN_RECORD_LIMITS)
  }

  /** The record under a LevelDB key (recordKey): getNow where the database reads synchronously */
  private async read (dbKey: string, keep = true): Promise<KvRecord | undefined> {
    if (this.syncReads) return this.getNow(dbKey, keep)
    const bytes = await this.datastore.db.get(dbKey)
    return bytes === undefined ? undefined : decodeOwnRecord(bytes, this.limits)
  }

  /**
   * A synchronous LevelDB read: memtable and block-cache hits take a few
   * microseconds, while an asynchronous get costs a thread-pool round trip
   * that, on a busy 2-core machine, took a sixth of a daemon's main thread
   * under load. A read that misses the cache blocks the loop for one disk
   * read instead. A record read this way is kept (src/store/hot-records.ts):
   * nothing changes the key between this read and its entry.
   */
  private getNow (dbKey: string, keep: boolean): KvRecord | undefined {
    const held = this.hot.get(dbKey)
    if (held !== undefined) return held
    const bytes = this.datastore.db.getSync(dbKey)
    if (bytes === undefined) return undefined
    const record = decodeOwnRecord(bytes, this.limits)
    if (keep) this.hot.set(dbKey, record, bytes.byteLength)
    return record
  }

  /**
   * Read-modify-write under the key's lock. `fn` returns the record to store,
   * or undefined to leave the stored one as it is. Returns what is stored.
   * When `wait`'s signal aborts while this waits for the lock, it rejects
   * with the signal's reason and changes nothing (given as a function, the
   * signal is made only if the key is held: src/store/key-lock.ts); once the
   * write is under way it completes (a caller past its deadline reports a timeout, not success).
   * A record whose encoding is over maxRecordBytes is not stored: it could
   * not be sent to another replica or read back by one in a frame, so the
   * write (or merge) fails with RecordTooLargeError for this key only.
   *
   * `writing`, when given, is called with the record to be stored once it is
   * decided and encoded, before its write starts: a coordinating
   * replica sends it to the other replicas while its own LevelDB write is in
   * flight instead of after it. What update resolves with still means the
   * record is stored here (fsync'd when asked). It must not throw: a throw
   * fails the update before anything is written. `unstored` is called, still
   * under the key's lock (before the next update of the key reads it), when
   * the write of a record `writing` was told of fails: that record is out,
   * and this store does not hold it. When the queue of writes for LevelDB
   * is full the update fails with WriteQueueFullError (ERR_OVERLOADED)
   * before `writing` is called.
   */
  async update (key: string, fn: (current: KvRecord | undefined) => KvRecord | undefined, wait?: LockWait, writing?: (next: KvRecord) => void, unstored?: (next: KvRecord, error: unknown) => void): Promise<KvRecord | undefined> {
    return this.lock.run(key, async () => {
      const dbKey = recordKey(key)
      const current = await this.read(dbKey)
      const next = fn(current)
      if (next === undefined || next === current) return current
      const encoded = encodeRecord(next)
      if (encoded.byteLength > this.maxRecordBytes) throw RecordTooLargeError.record(encoded.byteLength, this.maxRecordBytes)
      // refused before `writing` hears of it: a record sent to the other
      // replicas and then not stored here would retire this run's actor
      this.writes.assertRoom(encoded.byteLength)
      // told first: what it sends goes out on this turn, while the write is
      // in flight (the remote round trip is the longer). The batch itself
      // starts a little before the sends (its turn was asked first); a
      // write held back until after them made a lone put slower: the sends
      // take the core, and the local write became the later of the two
      writing?.(next)
      try {
        await this.writes.put(dbKey, encoded)
      } catch (err) {
        this.hot.delete(dbKey)
        if (writing !== undefined) unstored?.(next, err)
        throw err
      }
      // LevelDB holds the new record from here on: a read now takes it from there
      this.hot.delete(dbKey)
      this.notify(key, current, next)
      return next
    }, wait)
  }

  /**
   * Delete a record under the key's lock, only when `expect` (given what is
   * stored) says so: a handoff or a tombstone collection drops a key only if
   * nothing newer arrived since it decided to. True when it was deleted.
   */
  async remove (key: string, expect: (current: KvRecord | undefined) => boolean, wait?: LockWait): Promise<boolean> {
    return this.lock.run(key, async () => {
      const dbKey = recordKey(key)
      const current = await this.read(dbKey)
      if (current === undefined || !expect(current)) return false
      try {
        await this.datastore.db.del(dbKey, { sync: this.fsync })
      } finally {
        this.hot.delete(dbKey)
      }
      this.notify(key, current, undefined)
      return true
    }, wait)
  }

  /**
   * Be told of every change to a stored record, after it is written, in the
   * key's lock (so changes of one key arrive in order). A watcher must be
   * quick and must not throw (a throw is swallowed: a write is never failed
   * by a watcher). The Merkle index follows the store this way.
   */
  watch (watcher: RecordWatcher): () => void {
    this.watchers.push(watcher)
    return () => {
      const i = this.watchers.indexOf(watcher)
      if (i >= 0) this.watchers.splice(i, 1)
    }
  }

  private notify (key: string, before: KvRecord | undefined, after: KvRecord | undefined): void {
    for (const w of this.watchers) {
      try { w(key, before, after) } catch {}
    }
  }

  /**
   * Store a metadata value (incarnation, ring tokens) fsync'd whatever the
   * store's fsync setting: a lost incarnation would let a restarted peer
   * announce an incarnation it already used, and be ignored as a replay.
   */
  async putDurable (key: string, value: Uint8Array): Promise<void> {
    await this.datastore.db.put(key, value, { sync: true })
  }

  /**
   * Every stored key with its record, in storage order. Each keeps its stored
   * bytes as its encoding, as a get's does: a handover that sends one and
   * then drops the key only if get() still finds the same bytes must not see
   * a change where a re-encoding differs from what is stored.
   */
  async * entries (): AsyncGenerator<[string, KvRecord]> {
    for await (const [key, bytes] of this.encodedEntries()) yield [key, decodeOwnRecord(bytes, this.limits)]
  }

  /**
   * Every stored key with its record as stored (encoded), in storage order,
   * starting after the key `after` when given: a range transfer resumes from
   * a cursor this way, and sends records without decoding them.
   */
  async * encodedEntries (after?: string): AsyncGenerator<[string, Uint8Array]> {
    const range = { gt: after === undefined ? RECORD_PREFIX : recordKey(after), lt: RECORD_END }
    for await (const [key, value] of this.datastore.db.iterator(range)) {
      yield [toString(fromString(key.slice(RECORD_PREFIX.length), 'base64url'), 'utf8'), value]
    }
  }
}
