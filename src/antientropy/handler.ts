/**
 * The responder's side of an exchange: answers one request from its Merkle
 * index and its replica. Pure of I/O itself (the replica does the storage),
 * so the same code serves a libp2p stream and an in-process loopback.
 */
import { ProtocolError, NotStartedError } from '../errors.js'
import { decodeRecord, encodeRecord } from '../store/record.js'
import { splitArc } from '../merkle/index.js'
import { AeRequestType, MAX_LISTED_KEYS, MAX_SPLIT, MAX_SUMMARIES, RECORDS_BUDGET } from './wire.js'
import type { ArcIndex } from './deferred-index.js'
import type { KvRecord } from '../store/record.js'
import type { KeyedRecord, Request, Response } from './pb/ae.js'

/** What an exchange reads and merges on one peer. */
export interface AeReplica {
  readonly index: ArcIndex
  /** false while the index is still being built from the store */
  ready: () => boolean
  get: (key: string) => Promise<KvRecord | undefined>
  /** merge a record into the replica (Replica.localSync: DVV sync); returns what is stored */
  merge: (key: string, record: KvRecord) => Promise<KvRecord>
  /** whether this peer is a replica of the key (records for other keys are not taken) */
  owns: (key: string) => boolean
  maxValueBytes: number
}

export async function handleAeRequest (req: Request, replica: AeReplica): Promise<Partial<Response>> {
  switch (req.type) {
    case AeRequestType.HASHES: return hashes(req, replica)
    case AeRequestType.KEYS: return keys(req, replica)
    case AeRequestType.FETCH: return fetch(req, replica)
    case AeRequestType.PUSH: return push(req, replica)
    default: throw new ProtocolError(`unknown anti-entropy request type ${req.type}`)
  }
}

function requireReady (replica: AeReplica): void {
  if (!replica.ready()) throw new NotStartedError('anti-entropy index is still being built')
}

async function hashes (req: Request, replica: AeReplica): Promise<Partial<Response>> {
  requireReady(replica)
  const split = Math.max(1, req.split)
  if (split > MAX_SPLIT) throw new ProtocolError(`split of ${split}, over ${MAX_SPLIT}`)
  if (req.arcs.length * split > MAX_SUMMARIES) throw new ProtocolError(`${req.arcs.length} arcs split ${split} ways: over ${MAX_SUMMARIES} summaries`)
  const arcs = split === 1 ? req.arcs : req.arcs.flatMap(arc => splitArc(arc, split))
  await replica.index.settle?.()
  return { summaries: arcs.map(arc => replica.index.summary(arc)) as Response['summaries'] }
}

async function keys (req: Request, replica: AeReplica): Promise<Partial<Response>> {
  requireReady(replica)
  await replica.index.settle?.()
  let left = MAX_LISTED_KEYS
  const lists = req.arcs.map(arc => {
    // counted first (O(log n)), so a wide arc is refused before any key is gathered
    left -= replica.index.summary(arc).count
    if (left < 0) throw new ProtocolError(`arcs hold more than ${MAX_LISTED_KEYS} keys: ask for smaller arcs`)
    const list = replica.index.keys(arc)
    return { keys: list as Response['lists'][number]['keys'] }
  })
  return { lists }
}

async function fetch (req: Request, replica: AeReplica): Promise<Partial<Response>> {
  const records: KeyedRecord[] = []
  let bytes = 0
  for (const key of req.keys) {
    const record = await replica.get(key)
    const encoded = record === undefined ? undefined : encodeRecord(record)
    const size = (encoded?.byteLength ?? 0) + key.length * 3 + 16
    // the first always goes (a stored record fits a frame), the rest while they fit
    if (records.length > 0 && bytes + size > RECORDS_BUDGET) break
    bytes += size
    records.push({ key, record: encoded as Uint8Array<ArrayBuffer> | undefined })
  }
  return { records }
}

async function push (req: Request, replica: AeReplica): Promise<Partial<Response>> {
  // all decoded first: a malformed record refuses the request before anything is merged
  const records = req.records.map(r => {
    if (r.record == null) throw new ProtocolError(`push of ${r.key.slice(0, 64)} without a record`)
    return { key: r.key, record: decodeRecord(r.record, { maxValueBytes: replica.maxValueBytes }) }
  })
  let merged = 0
  for (const { key, record } of records) {
    if (!replica.owns(key)) continue
    await replica.merge(key, record)
    merged++
  }
  return { merged }
}
