/**
 * The Merkle index of a node's store, digesting changes when it is read
 * rather than at each write. A write notes its key with the record now
 * stored; the record's digest and the index update happen when an exchange
 * (or a co-replica's request) next reads the index, or when what is held
 * passes its bound. The count of keys (the status, announcements) is kept
 * without digesting. Under skewed keys a hot key is rewritten many times
 * between exchanges (45 to 75 s apart): it is digested once, not per write.
 *
 * Every read digests every pending change first, so a reader sees exactly
 * the store's current state, as an index updated on every write would.
 * What is held is the record's stored encoding (the bytes the store wrote,
 * already made: src/store/record.ts keeps a record's encoding), not the
 * record: one buffer per key rather than a graph of objects that each
 * young-generation collection would copy while it waits, and bytes no
 * caller can change under it (an encoding may be a view of an 8 KiB slab,
 * src/store/record-encoder.ts, as Node's Buffer pool made them before: a
 * held one can keep its slab alive). Where the store reads synchronously
 * (LevelDB in Node: `readNow`), only the key is held, and its record read
 * back when it is digested: a key costs its string, not its record, so
 * sixteen times as many fit (YCSB's 10,000 hot keys all do, where 2,048
 * records did not: past the bound, most writes were digested one by one).
 * Held changes are bounded by count and by bytes: when full, a key not
 * already held is digested at its write from the record in hand (as before
 * deferral: no write pays for a batch, nor for a decode), while the keys
 * held go on being rewritten for free until the next read. A removal is
 * applied at once (it has nothing to digest).
 */
import { MerkleIndex } from '../merkle/index.js'
import { nextTurn } from '../next-turn.js'
import type { Arc, KeyDigest } from '../merkle/index.js'

/** keys whose changes are held, undigested, at once (their encodings held) */
export const MAX_PENDING_KEYS = 2_048
/** the same where the store reads back synchronously (the keys alone held) */
export const MAX_PENDING_READ_BACK_KEYS = 32_768
/** bytes of those records' encodings */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024

/** held changes digested in one go by settle() before it lets other work run (~25 µs each) */
export const SETTLE_SLICE = 64

/**
 * What an exchange reads of an index (MerkleIndex or DeferredIndex).
 * `settle`, where there is one, is awaited before a read: it digests what
 * is held a slice at a time, so a read does not stop the event loop for
 * all of it at once (2,048 held keys take ~50 ms).
 */
export type ArcIndex = Pick<MerkleIndex, 'size' | 'digest' | 'summary' | 'keys'> & { settle?: () => Promise<void> }

export interface DeferredIndexOptions<R> {
  /** log2 of the index's bucket count (MerkleIndex's default when absent) */
  bucketBits?: number
  /** the digest of a record from its stored encoding (recordDigest of the decoded record); undefined leaves the key out. Must not throw */
  digest: (encoded: Uint8Array) => Uint8Array | undefined
  /** the digest of the record in hand (recordDigest): the same as `digest` of its encoding. Must not throw */
  digestRecord: (record: R) => Uint8Array | undefined
  /** SHA-256 for the index's leaves (MerkleIndexOptions.hash) */
  hash?: (bytes: Uint8Array) => Uint8Array
  /**
   * The record stored under a key now, read synchronously (undefined: none).
   * When given, a held change is the key alone, read back this way when it
   * is digested (digestRecord of what it reads). May throw (a record that
   * does not decode, a closed store): the key is then left out, as
   * `digest` leaves out an encoding that does not decode.
   */
  readNow?: (key: string) => R | undefined
  /** default MAX_PENDING_KEYS, or MAX_PENDING_READ_BACK_KEYS with readNow */
  maxPendingKeys?: number
  maxPendingBytes?: number
}

/** charged per held change beyond its bytes (the map entry, the buffer's object, a key's string) */
const ENTRY_OVERHEAD = 64

export class DeferredIndex<R> implements ArcIndex {
  private readonly index: MerkleIndex
  private readonly digestOf: (encoded: Uint8Array) => Uint8Array | undefined
  private readonly digestRecord: (record: R) => Uint8Array | undefined
  private readonly readNow?: (key: string) => R | undefined
  private readonly maxKeys: number
  private readonly maxBytes: number
  /** each key's stored encoding (null: to be read back), not yet digested */
  private readonly pending = new Map<string, Uint8Array | null>()
  private heldBytes = 0
  /** keys the held changes add to the index: size is known without digesting */
  private added = 0

  constructor (options: DeferredIndexOptions<R>) {
    this.index = new MerkleIndex({ bucketBits: options.bucketBits, hash: options.hash })
    this.digestOf = options.digest
    this.digestRecord = options.digestRecord
    this.readNow = options.readNow
    this.maxKeys = Math.max(0, options.maxPendingKeys ?? (options.readNow === undefined ? MAX_PENDING_KEYS : MAX_PENDING_READ_BACK_KEYS))
    this.maxBytes = Math.max(0, options.maxPendingBytes ?? MAX_PENDING_BYTES)
  }

  /**
   * A key's record is now stored as `encoded` (undefined: removed), which
   * is `record` when the caller has it in hand. Held, and digested when the
   * index is next read; digested now when the held changes are at their
   * bound and the key is not among them.
   */
  note (key: string, encoded: Uint8Array | undefined, record?: R): void {
    const held = this.pending.get(key)
    if (held !== undefined) this.release(key, held)
    if (encoded === undefined) {
      this.index.set(key, undefined)
      return
    }
    const kept = this.readNow === undefined ? encoded : null
    const bytes = heldBytes(key, kept)
    if (this.pending.size >= this.maxKeys || this.heldBytes + bytes > this.maxBytes) {
      this.index.set(key, record !== undefined ? this.digestRecord(record) : this.digestOf(encoded))
      return
    }
    this.pending.set(key, kept)
    this.heldBytes += bytes
    if (this.index.digest(key) === undefined) this.added++
  }

  /**
   * A key's record as the store holds it (`encoded`), digested now: the
   * start-up scan has the bytes in hand, where reading each back later
   * would be a random read on the event loop. A change held for the key
   * (a write noted meanwhile) is newer, and stays.
   */
  indexStored (key: string, encoded: Uint8Array): void {
    if (this.pending.has(key)) return
    this.index.set(key, this.digestOf(encoded))
  }

  /** Digest every held change into the index. */
  flush (): void {
    if (this.pending.size === 0) return
    for (const [key, held] of this.pending) this.index.set(key, this.digestHeld(key, held))
    this.pending.clear()
    this.heldBytes = 0
    this.added = 0
  }

  /**
   * Digest the changes held now, SETTLE_SLICE at a time with a turn of the
   * event loop between slices, and then those noted meanwhile until at
   * most a slice of them is left: the read that follows digests what is
   * left at once, and a backlog (up to the bound, 32,768 keys read back
   * at ~23 µs each) would stop the loop for most of a second. Bounded: a
   * stream of writes noting keys faster than they are digested ends it
   * after one more bound's worth.
   */
  async settle (): Promise<void> {
    let first = this.pending.size
    let budget = first + this.maxKeys
    while (this.pending.size > 0 && budget > 0 && (first > 0 || this.pending.size > SETTLE_SLICE)) {
      let n = 0
      for (const [key, held] of this.pending) {
        this.release(key, held)
        this.index.set(key, this.digestHeld(key, held))
        budget--
        first--
        if (++n === SETTLE_SLICE || budget === 0) break
      }
      if (budget > 0 && this.pending.size > 0) await new Promise<void>(resolve => { nextTurn(resolve) })
    }
  }

  /** changes held, not yet digested */
  get pendingKeys (): number {
    return this.pending.size
  }

  get pendingBytes (): number {
    return this.heldBytes
  }

  /** keys indexed, held changes counted (without digesting them: announcements read it every second) */
  get size (): number {
    return this.index.size + this.added
  }

  get bucketBits (): number {
    return this.index.bucketBits
  }

  digest (key: string): Uint8Array | undefined {
    this.flush()
    return this.index.digest(key)
  }

  summary (arc: Arc): { hash: Uint8Array, count: number } {
    this.flush()
    return this.index.summary(arc)
  }

  keys (arc: Arc, limit?: number): KeyDigest[] {
    this.flush()
    return this.index.keys(arc, limit)
  }

  /** The digest of a held change: of its encoding, or of the record read back now. */
  private digestHeld (key: string, held: Uint8Array | null): Uint8Array | undefined {
    if (held !== null) return this.digestOf(held)
    let record: R | undefined
    try {
      record = (this.readNow as (key: string) => R | undefined)(key)
    } catch {
      return undefined
    }
    return record === undefined ? undefined : this.digestRecord(record)
  }

  /** drop a held change (superseded by a newer one of the key) */
  private release (key: string, held: Uint8Array | null): void {
    this.pending.delete(key)
    this.heldBytes -= heldBytes(key, held)
    if (this.index.digest(key) === undefined) this.added--
  }
}

/** What a held change is charged: its encoding, or (read back) its key's string. */
function heldBytes (key: string, held: Uint8Array | null): number {
  return ENTRY_OVERHEAD + (held === null ? 2 * key.length : held.byteLength)
}
