/**
 * Records a replica read recently, kept decoded: a read of a hot key (a
 * GET, or the read of an update) costs a map lookup instead of a LevelDB
 * read, its copy out of LevelDB and a decode (about a tenth of a daemon's
 * busy time under YCSB-B). The record store (src/store/record-store.ts)
 * is the only writer of records, and it keeps this coherent: a record
 * enters on a read (a synchronous one: nothing can change the key between
 * the LevelDB read and the entry), and a key's entry is dropped once a
 * write or removal of it is done with LevelDB, successful or not. A write
 * does not put its record in: that record's values may be views into what
 * a peer sent (a TCP read of many frames), which an entry counting the
 * record's bytes must not pin; the next read takes it from LevelDB, whose
 * copy is a buffer of its own.
 *
 * Callers must not change a record they are handed: version operations
 * make new records, a coordinator hands its caller copies of the values
 * of a read and of a write (a retried write is answered with the record
 * held here), and MeshNode.localRecord a copy of the record. Bounded by
 * bytes. What goes first is chosen as a clock does (second chance): a read
 * marks its entry, and the oldest entry goes unless marked, when it is
 * unmarked and moved to the back instead. A read costs a lookup and a
 * flag, not the delete and insert that keeping an exact order took (each
 * GET and update reads its key).
 */
import { siblingCount } from './record.js'
import type { KvRecord } from './record.js'

/**
 * What a record held in memory costs beside its encoding (which its values
 * are views into): the map's slot, the record's objects and key, and per
 * sibling its object and the views of its value and write id, per actor
 * an entry and its id. Measured on V8 (heap after a collection, 2,000
 * records of each shape, test/coordinator/record-cache.test.ts): a record
 * of one 1 B sibling holds ~1,100 B, of 32 such siblings ~18 KB; counting
 * its encoded length alone undercounted those three- and fivefold.
 */
const ENTRY_OVERHEAD = 600
const SIBLING_OVERHEAD = 300
const ACTOR_OVERHEAD = 150

/** Bytes a decoded record of `encodedBytes` holds in memory under `key`. */
export function recordFootprint (key: string, record: KvRecord, encodedBytes: number): number {
  return encodedBytes + 2 * key.length + ENTRY_OVERHEAD + SIBLING_OVERHEAD * siblingCount(record) + ACTOR_OVERHEAD * record.entries.length
}

interface Entry {
  record: KvRecord
  bytes: number
  /** read since it was last passed over for eviction */
  used: boolean
}

export class HotRecords {
  private readonly entries = new Map<string, Entry>()
  private total = 0
  /** reads answered here, and reads that went to LevelDB, since start */
  hits = 0
  misses = 0

  constructor (private readonly maxBytes: number) {}

  /** bytes held */
  get bytes (): number {
    return this.total
  }

  get size (): number {
    return this.entries.size
  }

  /** The record held for `key` (marked as read); counts a hit or a miss. */
  get (key: string): KvRecord | undefined {
    const e = this.entries.get(key)
    if (e === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    e.used = true
    return e.record
  }

  /** The record held for `key`, neither counted as a read nor marked (the anti-entropy index's read-back). */
  peek (key: string): KvRecord | undefined {
    return this.entries.get(key)?.record
  }

  /** Hold `record`, just read from LevelDB as `encodedBytes` bytes; entries not read lately go past the bound. */
  set (key: string, record: KvRecord, encodedBytes: number): void {
    this.delete(key)
    const bytes = recordFootprint(key, record, encodedBytes)
    if (bytes > this.maxBytes) return
    this.entries.set(key, { record, bytes, used: false })
    this.total += bytes
    // ends: each entry is passed over at most once (its mark cleared), and the new one is unmarked
    while (this.total > this.maxBytes) {
      const [k, e] = this.entries.entries().next().value as [string, Entry]
      this.entries.delete(k)
      if (e.used && k !== key) {
        e.used = false
        this.entries.set(k, e)
      } else {
        this.total -= e.bytes
      }
    }
  }

  delete (key: string): void {
    const e = this.entries.get(key)
    if (e === undefined) return
    this.entries.delete(key)
    this.total -= e.bytes
  }

  clear (): void {
    this.entries.clear()
    this.total = 0
  }
}
