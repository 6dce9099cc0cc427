/**
 * A replica held in a Map, with its Merkle index kept beside it: what the
 * exchange needs from a peer, without storage. For benchmarks and tests of
 * the exchange; a node uses its RecordStore and Replica instead.
 */
import { siblingEquals } from '../store/record.js'
import { MerkleIndex, recordDigest } from '../merkle/index.js'
import { sync } from '../version/index.js'
import type { MerkleIndexOptions } from '../merkle/index.js'
import type { KvRecord } from '../store/record.js'
import type { AeReplica } from './handler.js'

export class MemoryReplica implements AeReplica {
  readonly index: MerkleIndex
  readonly records = new Map<string, KvRecord>()
  maxValueBytes = 1024 * 1024

  constructor (options: MerkleIndexOptions = {}) {
    this.index = new MerkleIndex(options)
  }

  ready (): boolean {
    return true
  }

  owns (): boolean {
    return true
  }

  async get (key: string): Promise<KvRecord | undefined> {
    return this.records.get(key)
  }

  /** store a record as it is (a write, or a state set up by a test) */
  put (key: string, record: KvRecord): void {
    this.records.set(key, record)
    this.index.set(key, recordDigest(record))
  }

  async merge (key: string, record: KvRecord): Promise<KvRecord> {
    const current = this.records.get(key)
    const next = current === undefined ? record : sync(current, record, siblingEquals)
    this.put(key, next)
    return next
  }
}
