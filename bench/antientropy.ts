/**
 * `antientropy`: what a Merkle exchange costs. Two replicas in one process
 * (the Merkle index and the exchange of src/antientropy, through the wire
 * encoding, bytes counted as framed on a stream) hold the same keys but for
 * a few that differ; one exchange repairs them. Printed: bytes both ways and
 * round trips against the number of keys, beside what sending every
 * (key, digest) would cost, to show the cost follows the differences.
 * Two placements: 3 peers with N=3 (every arc is shared: the whole ring is
 * compared) and 5 peers with N=3 (the arcs two given peers both hold).
 */
import { exchange } from '../src/antientropy/exchange.js'
import { LoopbackTransport } from '../src/antientropy/loopback.js'
import { MemoryReplica } from '../src/antientropy/memory-replica.js'
import { Ring } from '../src/ring/ring.js'
import { siblingEquals } from '../src/store/record.js'
import { newSet, update, updateWith } from '../src/version/index.js'
import { printTable } from './lib/table.js'
import { heal } from './lib/ae-heal.js'
import type { HealResult } from './lib/ae-heal.js'
import type { Benchmark } from './lib/bench.js'
import type { KvRecord, Sibling } from '../src/store/record.js'
import type { RingRange } from '../src/ring/ring.js'

interface Row {
  peers: number
  keys: number
  differing: number
  arcs: number
  bytes: number
  roundTrips: number
  keysSent: number
  keysReceived: number
  exchangeMs: number
  /** bytes of every (key, digest) of the shared arcs: a scan-and-send exchange */
  listBytes: number
  /** microseconds per record stored, for its digest and index update */
  indexUs: number
}

const utf8 = new TextEncoder()

function write (actor: string, value: Uint8Array, base?: KvRecord): KvRecord {
  const s: Sibling = { value, timestamp: Date.now(), writeId: crypto.getRandomValues(new Uint8Array(16)) }
  return base === undefined ? update(newSet(s), actor) : updateWith(newSet(s), base, actor, siblingEquals)
}

function sharedArcs (peers: number): RingRange[] {
  const ring = new Ring(Array.from({ length: peers }, (_, i) => ({ id: `peer-${i}`, capacity: 1 })), { tokensPerUnit: 128 })
  return ring.ranges(3).filter(r => r.replicas.includes('peer-0') && r.replicas.includes('peer-1'))
}

async function measure (peers: number, keys: number, differing: number): Promise<Row> {
  const arcs = sharedArcs(peers)
  const a = new MemoryReplica()
  const b = new MemoryReplica()
  const value = utf8.encode('x'.repeat(100))
  let indexMs = 0
  for (let i = 0; i < keys; i++) {
    const key = `user:${String(i).padStart(8, '0')}`
    const r = write('peer-0.1', value)
    const t = performance.now()
    a.put(key, r)
    b.put(key, r)
    indexMs += performance.now() - t
  }
  // what a write costs the index (digest, position, leaf, Fenwick update), per replica
  const indexUs = indexMs * 1000 / (2 * keys)
  const inShared = arcs.flatMap(arc => a.index.keys(arc).map(k => k.key))
  // half the differences: a newer write on b; the other half: keys only b has
  const step = Math.max(1, Math.floor(inShared.length / Math.max(1, differing)))
  for (let d = 0; d < differing; d++) {
    const key = inShared[(d * step) % inShared.length]
    if (d % 2 === 0) b.put(key, write('peer-1.1', utf8.encode('changed'), b.records.get(key)))
    else { a.records.delete(key); a.index.set(key, undefined) }
  }
  let listBytes = 0
  for (const arc of arcs) for (const k of b.index.keys(arc)) listBytes += utf8.encode(k.key).byteLength + k.digest.byteLength + 4
  const t0 = performance.now()
  const r = await exchange(new LoopbackTransport(b), a, arcs.map(x => ({ start: x.start, end: x.end })))
  const exchangeMs = performance.now() - t0
  if (r.keysSent + r.keysReceived < differing) throw new Error(`repaired ${r.keysSent + r.keysReceived} of ${differing}`)
  return { peers, keys, differing, arcs: arcs.length, bytes: r.bytes, roundTrips: r.roundTrips, keysSent: r.keysSent, keysReceived: r.keysReceived, exchangeMs, listBytes, indexUs }
}

export const antientropy: Benchmark = {
  name: 'antientropy',
  summary: 'Merkle anti-entropy: bytes and round trips of one exchange against the keys held and the keys that differ',
  options: {
    keys: { type: 'string', default: '1000,10000,100000', help: 'keys each replica holds' },
    differing: { type: 'string', default: '0,10,100', help: 'keys that differ between the two' },
    peers: { type: 'string', default: '3,5', help: 'peers in the ring (N=3): 3 shares the whole ring, 5 shares some arcs' },
    heal: { type: 'string', default: '10000', help: 'keys a restarted real peer missed and gets back by one exchange (0: skip)' }
  },
  async run (args) {
    const rows: Row[] = []
    for (const peers of args.nums('peers', 3, 64)) {
      for (const keys of args.nums('keys', 10, 2_000_000)) {
        for (const differing of args.nums('differing', 0, 100_000)) {
          if (differing > keys / 4) continue
          rows.push(await measure(peers, keys, differing))
          process.stderr.write('.')
        }
      }
    }
    process.stderr.write('\n')
    printTable({
      title: 'One exchange between two replicas (bytes both ways, framed as on the wire)',
      columns: ['peers', 'keys', 'differing', 'shared arcs', 'bytes', 'round trips', 'sent', 'received', 'exchange ms', 'all (key, digest) bytes', 'µs/update'],
      rows: rows.map(r => [r.peers, r.keys, r.differing, r.arcs, r.bytes, r.roundTrips, r.keysSent, r.keysReceived, r.exchangeMs, r.listBytes, r.indexUs])
    })
    const healKeys = args.num('heal', 0, 1_000_000)
    let healed: HealResult | undefined
    if (healKeys > 0) {
      healed = await heal(healKeys)
      printTable({
        title: 'Healing a real peer (3 peers in this process, N=3 W=2) that missed every write, by one exchange at unlimited rate',
        columns: ['keys missed', 'exchange ms', 'bytes', 'round trips', 'received', 'still missing'],
        rows: [[healed.keys, healed.healMs, healed.bytes, healed.roundTrips, healed.keysReceived, healed.missingAfter]]
      })
    }
    return { rows, heal: healed }
  }
}
