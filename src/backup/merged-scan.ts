/**
 * A k-way merge of several replicas' scans into one stream of keys, each
 * with the DVV sync of what every replica holds for it: the cluster's
 * merged state of every key, in one pass, holding one batch per replica.
 * Every scan must come in storage order (the LevelDB order of the stored
 * key, base64url of its UTF-8 bytes), as RecordStore and range transfer
 * give it.
 */
import { fromString, toString } from 'uint8arrays'
import { ProtocolError } from '../errors.js'
import { syncAll } from '../version/index.js'
import { decodeRecord, siblingEquals } from '../store/record.js'
import type { KvRecord, RecordLimits } from '../store/record.js'

export type Scan = AsyncIterator<[string, Uint8Array]>

interface Head { order: string, key: string, record: Uint8Array }

/** the order a store keeps a key in */
export function storageOrder (key: string): string {
  return toString(fromString(key, 'utf8'), 'base64url')
}

async function advance (scan: Scan): Promise<Head | undefined> {
  const next = await scan.next()
  if (next.done === true) return undefined
  const [key, record] = next.value
  return { order: storageOrder(key), key, record }
}

/** Each key once, merged over the scans that hold it. A scan that fails fails the merge. */
export async function * mergedScan (scans: Scan[], limits: RecordLimits): AsyncGenerator<[string, KvRecord]> {
  let heads: Array<Head | undefined> = []
  try {
    // a scan that cannot start (a holder not reachable) fails the merge; the others are closed below
    heads = await Promise.all(scans.map(advance))
    for (;;) {
      let min: string | undefined
      for (const h of heads) if (h !== undefined && (min === undefined || h.order < min)) min = h.order
      if (min === undefined) return
      const records: KvRecord[] = []
      let key = ''
      const moving: number[] = []
      heads.forEach((h, i) => {
        if (h?.order !== min) return
        key = h.key
        records.push(decodeRecord(h.record, limits))
        moving.push(i)
      })
      const moved = await Promise.all(moving.map(async i => advance(scans[i])))
      moving.forEach((i, k) => { heads[i] = moved[k] })
      for (let i = 0; i < heads.length; i++) {
        // a scan out of order would skip keys unseen: refuse rather than export less
        if (heads[i] !== undefined && heads[i]!.order <= min) throw new ProtocolError(`a replica's scan is out of storage order at ${JSON.stringify(heads[i]!.key.slice(0, 64))}`)
      }
      yield [key, records.length === 1 ? records[0] : syncAll(records, siblingEquals)]
    }
  } finally {
    await Promise.allSettled(scans.map(async s => s.return?.()))
  }
}
