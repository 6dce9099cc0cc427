/**
 * The records a peer that holds no copy of a key last read or wrote there:
 * a capacity-0 node (a library client or a browser tab coordinating
 * itself), or any peer coordinating a key it is not a replica of. A read
 * sends the replicas the digest of the record it holds
 * (src/protocol/record-digest.ts), and a replica that holds that very
 * record answers "same" instead of sending it: a conditional GET, as an
 * HTTP cache revalidates with an ETag. The read still asks R replicas and
 * answers with what they hold, so a cached record is only ever a guess at
 * what they will say: nothing here can serve a stale value.
 *
 * Bounded by bytes, least recently used out first.
 */
import { copyRecord, encodeRecord } from '../store/record.js'
import { recordFootprint } from '../store/hot-records.js'
import type { KvRecord } from '../store/record.js'
import type { MetricsRegistry } from '../metrics.js'

export class RecordCache {
  private readonly entries = new Map<string, { record: KvRecord, bytes: number }>()
  private total = 0

  constructor (private readonly maxBytes: number, metrics?: MetricsRegistry) {
    metrics?.gauge('meshkv_record_cache_bytes', 'bytes held by the cache of records this peer read or wrote without holding a copy', () => [[{}, this.total]])
  }

  /** The record last seen for `key`, if still held (and now the most recently used). */
  get (key: string): KvRecord | undefined {
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, e)
    return e.record
  }

  /** Remember `record` as what the replicas of `key` hold; undefined forgets the key. */
  set (key: string, record: KvRecord | undefined): void {
    // the record this cache handed out, read again ("same" from every replica)
    if (record !== undefined && this.entries.get(key)?.record === record) {
      this.get(key)
      return
    }
    this.forget(key)
    if (record === undefined || this.maxBytes <= 0) return
    const encoded = encodeRecord(record)
    const bytes = recordFootprint(key, record, encoded.byteLength)
    if (bytes > this.maxBytes) return
    // a record of its own: a record read from a peer is decoded in place,
    // its values views into what the stream delivered (a TCP read of many
    // replies, up to 64 KiB), which a cache counting the record's bytes
    // must not pin
    let own: KvRecord
    try {
      own = copyRecord(record)
    } catch {
      // a merge of replies each within the decoder's limits may pass them
      // (more siblings): not worth keeping, and the read that made it stands
      return
    }
    this.entries.set(key, { record: own, bytes })
    this.total += bytes
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break
      this.entries.delete(k)
      this.total -= e.bytes
    }
  }

  /** bytes held */
  get size (): number {
    return this.total
  }

  private forget (key: string): void {
    const e = this.entries.get(key)
    if (e === undefined) return
    this.entries.delete(key)
    this.total -= e.bytes
  }
}
