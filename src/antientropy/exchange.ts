/**
 * The initiator's side of an exchange with one co-replica over the arcs both
 * hold. Arcs whose hashes differ are split into sub-arcs and compared again,
 * every arc of a level in one request, so the round trips grow with the
 * depth (log of the keys per arc), not with the arcs; an arc with few keys
 * has its (key, digest) lists compared instead, and the keys that differ are
 * repaired both ways: theirs fetched and merged here (DVV sync), then ours
 * (merged) pushed to them. A key one side lacks is copied.
 */
import { ProtocolError } from '../errors.js'
import { coalesce, splitArc, arcWidth, DIGEST_BYTES } from '../merkle/index.js'
import { decodeRecord, encodeRecord } from '../store/record.js'
import { hash64 } from '../ring/hash.js'
import { inRange } from '../ring/ring.js'
import { AeRequestType, MAX_ARCS, MAX_KEYS, MAX_LISTED_KEYS, MAX_SPLIT, MAX_SUMMARIES, RECORDS_BUDGET } from './wire.js'
import type { Arc } from '../merkle/index.js'
import type { AeReplica } from './handler.js'
import type { KeyedRecord, Request, Response } from './pb/ae.js'

/** One request, one reply; an ERROR reply comes back as a thrown error. */
export interface AeTransport {
  request: (req: Omit<Partial<Request>, 'id'>) => Promise<Response>
  /** bytes sent and received so far, frames included */
  readonly bytes: number
}

export interface ExchangeOptions {
  /** sub-arcs an arc with differing hashes is split into (default 16) */
  parts?: number
  /** an arc with at most this many keys on either side has its keys listed (default 16) */
  leafKeys?: number
  /** called after each round trip with its bytes; waits to keep to a rate */
  pace?: (bytes: number) => Promise<void>
  signal?: AbortSignal
  /** whether the peer is a replica of a key (absent: of every key of the shared arcs); this side's is `local.owns` */
  peerOwns?: (key: string) => boolean
  /**
   * Counted into as the exchange goes (keys merged here, keys the peer took,
   * bytes, round trips): an exchange that fails midway has still repaired
   * what it fetched and pushed before the failure, and its caller counts
   * that from here instead of nothing.
   */
  tally?: ExchangeResult
}

export interface ExchangeResult {
  /** records pushed to the peer */
  keysSent: number
  /** records fetched from the peer and merged here */
  keysReceived: number
  bytes: number
  roundTrips: number
}

export const DEFAULT_PARTS = 16
export const DEFAULT_LEAF_KEYS = 16
/** keys listed by one KEYS request, by the larger side's count */
const KEYS_PER_REQUEST = MAX_LISTED_KEYS / 2

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && a.every((x, i) => x === b[i])

function chunks<T> (items: T[], size: (t: T) => number, max: number, maxItems: number): T[][] {
  const out: T[][] = []
  let cur: T[] = []
  let total = 0
  for (const item of items) {
    const s = size(item)
    if (cur.length > 0 && (total + s > max || cur.length >= maxItems)) { out.push(cur); cur = []; total = 0 }
    cur.push(item)
    total += s
  }
  if (cur.length > 0) out.push(cur)
  return out
}

export async function exchange (peer: AeTransport, local: AeReplica, shared: Arc[], options: ExchangeOptions = {}): Promise<ExchangeResult> {
  const parts = options.parts ?? DEFAULT_PARTS
  const leafKeys = options.leafKeys ?? DEFAULT_LEAF_KEYS
  const startBytes = peer.bytes
  const tally = options.tally ?? { keysSent: 0, keysReceived: 0, bytes: 0, roundTrips: 0 }
  const call = async (req: Omit<Partial<Request>, 'id'>): Promise<Response> => {
    options.signal?.throwIfAborted()
    const before = peer.bytes
    try {
      const res = await peer.request(req)
      tally.roundTrips++
      await options.pace?.(peer.bytes - before)
      return res
    } finally {
      tally.bytes = peer.bytes - startBytes
    }
  }

  // descend: compare arc hashes level by level; below the first level only
  // the parent arcs go out, and both sides split them alike
  const leaves: Array<{ arc: Arc, count: number }> = []
  let level = coalesce(shared)
  let split = 1
  while (level.length > 0) {
    const next: Arc[] = []
    const perRequest = Math.max(1, Math.min(MAX_ARCS, Math.floor(MAX_SUMMARIES / split)))
    for (const batch of chunks(level, () => 1, perRequest, perRequest)) {
      const res = await call({ type: AeRequestType.HASHES, arcs: batch, split })
      const arcs = split === 1 ? batch : batch.flatMap(arc => splitArc(arc, split))
      if (res.summaries.length !== arcs.length) throw new ProtocolError(`HASHES reply with ${res.summaries.length} summaries for ${arcs.length} arcs`)
      await local.index.settle?.()
      arcs.forEach((arc, i) => {
        const theirs = res.summaries[i]
        if (theirs.hash.byteLength !== DIGEST_BYTES) throw new ProtocolError('HASHES reply with a malformed hash')
        const ours = local.index.summary(arc)
        if (ours.count === theirs.count && equalBytes(ours.hash, theirs.hash)) return
        const count = Math.max(ours.count, theirs.count)
        if (count <= leafKeys || arcWidth(arc) <= BigInt(split > 1 ? split : parts)) leaves.push({ arc, count })
        else next.push(arc)
      })
    }
    level = next
    split = Math.min(parts, MAX_SPLIT)
  }

  // compare the (key, digest) lists of the leaves
  const fetch: string[] = []
  const push = new Set<string>()
  for (const batch of chunks(leaves, l => l.count, KEYS_PER_REQUEST, MAX_ARCS)) {
    const res = await call({ type: AeRequestType.KEYS, arcs: batch.map(l => l.arc) })
    if (res.lists.length !== batch.length) throw new ProtocolError(`KEYS reply with ${res.lists.length} lists for ${batch.length} arcs`)
    await local.index.settle?.()
    batch.forEach((leaf, i) => {
      const theirs = new Map<string, Uint8Array>()
      for (const { key, digest } of res.lists[i].keys) {
        if (digest.byteLength !== DIGEST_BYTES) throw new ProtocolError('KEYS reply with a malformed digest')
        // only keys of the arc asked for: a peer cannot have keys this replica does not hold fetched into it
        if (!inRange(hash64(key), leaf.arc)) throw new ProtocolError('KEYS reply with a key outside the arc')
        theirs.set(key, digest)
      }
      // a key of a bucket with fewer replicas goes only where it is owned
      const theyOwn = (key: string): boolean => options.peerOwns?.(key) ?? true
      for (const { key, digest } of local.index.keys(leaf.arc)) {
        const other = theirs.get(key)
        theirs.delete(key)
        if (other === undefined) { if (theyOwn(key)) push.add(key) } else if (!equalBytes(other, digest)) {
          if (local.owns(key)) fetch.push(key)
          if (theyOwn(key)) push.add(key)
        }
      }
      fetch.push(...[...theirs.keys()].filter(key => local.owns(key)))
    })
  }

  // fetch what differs, merge it here; keys both hold go back merged
  for (let rest = fetch; rest.length > 0;) {
    const asked = rest.slice(0, MAX_KEYS)
    const res = await call({ type: AeRequestType.FETCH, keys: asked })
    if (res.records.length === 0 || res.records.length > asked.length) throw new ProtocolError(`FETCH reply with ${res.records.length} records for ${asked.length} keys`)
    for (const [i, r] of res.records.entries()) {
      if (r.key !== asked[i]) throw new ProtocolError('FETCH reply out of order')
      if (r.record == null) continue
      await local.merge(r.key, decodeRecord(r.record, { maxValueBytes: local.maxValueBytes }))
      tally.keysReceived++
    }
    rest = rest.slice(res.records.length)
  }

  // push ours (read now: merged with theirs where both held the key)
  const records: KeyedRecord[] = []
  for (const key of push) {
    const record = await local.get(key)
    if (record !== undefined) records.push({ key, record: encodeRecord(record) as Uint8Array<ArrayBuffer> })
  }
  for (const batch of chunks(records, r => (r.record?.byteLength ?? 0) + r.key.length * 3 + 16, RECORDS_BUDGET, MAX_KEYS)) {
    const res = await call({ type: AeRequestType.PUSH, records: batch })
    tally.keysSent += Math.min(res.merged, batch.length)
  }
  return { ...tally }
}
