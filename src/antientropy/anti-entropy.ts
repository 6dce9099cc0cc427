/**
 * Anti-entropy on a node: keeps the Merkle index of the local store (fed by
 * store.watch, built once at start from store.entries(); a write is digested
 * when the index is next read, src/antientropy/deferred-index.ts), serves the ae
 * protocol, and in the background exchanges with one co-replica every
 * interval (the one synced least recently, among those up), over the arcs of
 * the current placement both hold, under a byte rate.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import { recordDigest } from '../merkle/index.js'
import { sha256 } from '../fast-sha256.js'
import { ByteRate } from './byte-rate.js'
import { DeferredIndex } from './deferred-index.js'
import { exchange } from './exchange.js'
import { serveAeStream } from './server.js'
import { AeSession } from './session.js'
import { openStream } from '../reach/open-stream.js'
import { decodeRecord, encodeRecord, OWN_RECORD_LIMITS } from '../store/record.js'
import type { AeReplica } from './handler.js'
import type { ExchangeResult } from './exchange.js'
import type { MetricsRegistry } from '../metrics.js'
import type { RingRange } from '../ring/ring.js'
import type { KvRecord } from '../store/record.js'
import type { RecordStore } from '../store/record-store.js'
import type { Libp2p, Logger, StreamHandler } from '@libp2p/interface'

/** how soon after a co-replica comes back it is exchanged with (ms, jittered 0.5x to 1.5x): its announcement has spread by then */
const RETURN_DELAY_MS = 1_000
/** exchanges tried with a returned peer before it is left to the periodic one (delays 1, 2, 4, 8 s...) */
const RETURN_ATTEMPTS = 5
/** returning peers remembered at once (one per member; a bound all the same) */
const MAX_RETURNING = 1_024

export interface AntiEntropyInit {
  libp2p: Libp2p
  /** aeProtocol(cluster) */
  protocol: string
  selfId: string
  store: RecordStore
  /** the replica's merge path (Replica.localSync: DVV sync) */
  merge: (key: string, record: KvRecord) => Promise<KvRecord>
  /** the arcs of the current placement with their preference lists (Ring.ranges(n)) */
  ranges: () => RingRange[]
  /** whether this peer is a replica of a key (pushed records of other keys are not taken) */
  owns: (key: string) => boolean
  /**
   * whether a peer is a replica of a key; keys of a bucket with fewer
   * replicas than the cluster's n (src/buckets/) are then neither sent to
   * nor taken from a co-replica of the arc that is not one of theirs.
   * Absent: every co-replica of an arc holds all its keys.
   */
  ownedBy?: (peer: string, key: string) => boolean
  /** only peers that are up are exchanged with */
  isUp: (peer: string) => boolean
  /** period of the background exchange (ms); 0 disables it (antiEntropyNow still works) */
  intervalMs: number
  /** bytes per second an exchange may use, both ways (0: unlimited) */
  bytesPerSec: number
  /** deadline of each request of an exchange (ms) */
  requestTimeoutMs: number
  maxValueBytes: number
  log: Logger
  metrics: MetricsRegistry
  /** log2 of the index's bucket count (default 16) */
  bucketBits?: number
  /** wraps the stream handler so it serves members only (src/admission/gate.ts); absent: everyone */
  guard?: (handler: StreamHandler) => StreamHandler
}

export interface ExchangeReport extends ExchangeResult {
  /** the peers exchanged with */
  peers: string[]
}

export interface PeerSync {
  /** when the last exchange with the peer ended (ISO 8601) */
  at: string
  ok: boolean
  keysSent: number
  keysReceived: number
  bytes: number
  roundTrips: number
  error?: string
}

export interface AntiEntropyStatus {
  intervalMs: number
  bytesPerSec: number
  /** the index is built (until then exchanges wait, and peers asking are told to retry) */
  ready: boolean
  indexedKeys: number
  exchanges: number
  failures: number
  /** records repaired: sent plus received */
  keysRepaired: number
  keysSent: number
  keysReceived: number
  bytes: number
  /** the last exchange with each peer */
  peers: Record<string, PeerSync>
}

/** the longest one exchange may take, whatever the rate (ms) */
const MAX_EXCHANGE_MS = 30 * 60_000
/** peers remembered in the status */
const MAX_PEERS_REMEMBERED = 256

export class AntiEntropy {
  /** digests writes when read (an exchange, the status), not at each write */
  readonly index: DeferredIndex<KvRecord>
  private readonly replica: AeReplica
  private readonly rate: ByteRate
  private readonly lifetime = new AbortController()
  private readonly last = new Map<string, PeerSync & { atMs: number }>()
  private readonly totals = { exchanges: 0, failures: 0, keysSent: 0, keysReceived: 0, bytes: 0 }
  private built = false
  private building?: Promise<void>
  private running: Promise<unknown> = Promise.resolve()
  private timer?: ReturnType<typeof setTimeout>
  /** peers that came back, with an exchange due soon */
  private readonly returning = new Set<string>()
  private unwatch?: () => void

  constructor (private readonly init: AntiEntropyInit) {
    // the store's own encodings: decoded with no value limit of their own (the store took them)
    // where LevelDB reads synchronously, a held change is its key alone, read back when digested
    const readNow = init.store.syncReads ? (key: string) => this.readBack(key) : undefined
    this.index = new DeferredIndex({ bucketBits: init.bucketBits, digest: encoded => this.digestOf(encoded), digestRecord: record => recordDigest(record, sha256), hash: sha256, readNow })
    this.rate = new ByteRate(init.bytesPerSec)
    this.replica = {
      index: this.index,
      ready: () => this.built,
      get: async key => init.store.get(key),
      merge: init.merge,
      owns: init.owns,
      maxValueBytes: init.maxValueBytes
    }
    const m = init.metrics
    m.describe('meshkv_ae_exchanges_total', 'anti-entropy exchanges this peer started, by result')
    m.describe('meshkv_ae_keys_repaired_total', 'records repaired by anti-entropy, by direction (sent to / received from a co-replica)')
    m.describe('meshkv_ae_bytes_total', 'bytes of anti-entropy exchanges this peer started, both ways')
    m.describe('meshkv_ae_round_trips_total', 'anti-entropy requests this peer sent')
    m.describe('meshkv_ae_exchange_ms', 'anti-entropy exchanges this peer started (ms)')
    // the serving side (src/antientropy/server.ts) counts per stream; described once here
    m.describe('meshkv_ae_served_total', 'anti-entropy requests served for co-replicas, by type and result')
    m.describe('meshkv_ae_served_bytes_total', 'bytes of anti-entropy replies sent to co-replicas')
    m.describe('meshkv_ae_bad_frames_total', 'anti-entropy streams aborted for a malformed or oversized frame')
  }

  async start (): Promise<void> {
    const { libp2p, protocol, store, log, metrics } = this.init
    // watch before the scan; a key the watcher saw is not overwritten by the (older) scan
    const seen = new Set<string>()
    this.unwatch = store.watch((key, _before, after) => {
      if (!this.built) seen.add(key)
      this.index.note(key, after === undefined ? undefined : encodeRecord(after), after)
    })
    this.building = (async () => {
      for await (const [key, encoded] of store.encodedEntries()) {
        if (this.lifetime.signal.aborted) return
        if (!seen.has(key)) this.index.indexStored(key, encoded)
      }
      seen.clear()
      this.built = true
      log('index built: %d keys', this.index.size)
    })().catch(err => { if (!this.lifetime.signal.aborted) log.error('anti-entropy index not built: %s', (err as Error).message) })
    const handler: StreamHandler = stream => { serveAeStream(stream, { replica: this.replica, log, metrics }) }
    await libp2p.handle(protocol, this.init.guard?.(handler) ?? handler, { maxInboundStreams: 8, maxOutboundStreams: 8, runOnLimitedConnection: true })
    this.schedule()
  }

  async stop (): Promise<void> {
    this.lifetime.abort()
    clearTimeout(this.timer)
    this.unwatch?.()
    await this.init.libp2p.unhandle(this.init.protocol).catch(() => {})
    await this.running.catch(() => {})
    await this.building
  }

  /**
   * Exchange now with `peer`, or with every co-replica that is up, one after
   * another; resolves with what was repaired. A failed exchange with a named
   * peer rejects; with all, it is logged and counted and the others go on.
   */
  async runNow (peer?: string): Promise<ExchangeReport> {
    await this.building
    const peers = peer !== undefined ? [peer] : this.coReplicas()
    const report: ExchangeReport = { keysSent: 0, keysReceived: 0, bytes: 0, roundTrips: 0, peers: [] }
    for (const p of peers) {
      try {
        const r = await this.serialized(p)
        report.keysSent += r.keysSent
        report.keysReceived += r.keysReceived
        report.bytes += r.bytes
        report.roundTrips += r.roundTrips
        report.peers.push(p)
      } catch (err) {
        if (peer !== undefined) throw err
      }
    }
    return report
  }

  /**
   * A co-replica came back (down or suspect, now up): exchange with it soon
   * rather than at the next period. Writes it missed while away that no hint
   * covers (a side of a partition too small to hold a stand-in for every
   * absent owner, a stand-in that died) are found by this exchange, so a
   * healed partition converges in seconds, not in intervals. Once per peer
   * at a time; the byte rate still applies.
   */
  returned (peer: string): void {
    if (this.lifetime.signal.aborted || this.returning.has(peer) || peer === this.init.selfId) return
    if (this.returning.size >= MAX_RETURNING) return
    this.returning.add(peer)
    this.exchangeReturned(peer, 0)
  }

  /**
   * The exchange with a returned peer, tried again (backing off) when it
   * fails, as right after a heal when connections are still being made
   * again: the periodic exchange would come back to this peer only after
   * every other co-replica, intervals later.
   */
  private exchangeReturned (peer: string, attempt: number): void {
    const timer = setTimeout(() => {
      if (this.lifetime.signal.aborted || !this.init.isUp(peer) || !this.coReplicas().includes(peer)) {
        this.returning.delete(peer)
        return
      }
      const run = this.built ? this.serialized(peer).then(() => true, err => { this.init.log('exchange with returning %s failed: %s', peer, (err as Error).message); return false }) : Promise.resolve(false)
      void run.then(ok => {
        if (ok || attempt + 1 >= RETURN_ATTEMPTS) this.returning.delete(peer)
        else this.exchangeReturned(peer, attempt + 1)
      })
    }, RETURN_DELAY_MS * 2 ** attempt * (0.5 + Math.random()))
    ;(timer as { unref?: () => void }).unref?.()
  }

  status (): AntiEntropyStatus {
    const t = this.totals
    const peers: Record<string, PeerSync> = {}
    for (const [id, { atMs: _, ...s }] of this.last) peers[id] = s
    return {
      intervalMs: this.init.intervalMs,
      bytesPerSec: this.init.bytesPerSec,
      ready: this.built,
      indexedKeys: this.index.size,
      exchanges: t.exchanges,
      failures: t.failures,
      keysRepaired: t.keysSent + t.keysReceived,
      keysSent: t.keysSent,
      keysReceived: t.keysReceived,
      bytes: t.bytes,
      peers
    }
  }

  /** the other replicas of the arcs this peer holds that are up, least recently synced first */
  coReplicas (): string[] {
    const { selfId, isUp } = this.init
    const ids = new Set<string>()
    for (const r of this.init.ranges()) {
      if (!r.replicas.includes(selfId)) continue
      for (const id of r.replicas) if (id !== selfId) ids.add(id)
    }
    return [...ids].filter(isUp).sort((a, b) => (this.last.get(a)?.atMs ?? 0) - (this.last.get(b)?.atMs ?? 0))
  }

  private schedule (): void {
    const every = this.init.intervalMs
    if (!(every > 0) || this.lifetime.signal.aborted) return
    // jittered so peers started together do not exchange in step
    this.timer = setTimeout(() => {
      const peer = this.coReplicas()[0]
      const run = peer === undefined || !this.built ? Promise.resolve() : this.serialized(peer).catch(() => {})
      void run.finally(() => { this.schedule() })
    }, every * (0.75 + Math.random() * 0.5))
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /** one exchange at a time on this peer */
  private async serialized (peer: string): Promise<ExchangeResult> {
    const next = this.running.catch(() => {}).then(async () => this.exchangeWith(peer))
    this.running = next
    return next
  }

  private async exchangeWith (peer: string): Promise<ExchangeResult> {
    const { libp2p, protocol, selfId, log, metrics, requestTimeoutMs } = this.init
    this.lifetime.signal.throwIfAborted()
    const arcs = this.init.ranges().filter(r => r.replicas.includes(selfId) && r.replicas.includes(peer)).map(r => ({ start: r.start, end: r.end }))
    const started = performance.now()
    let session: AeSession | undefined
    // what this exchange repaired so far: one that fails midway still counts it
    const tally: ExchangeResult = { keysSent: 0, keysReceived: 0, bytes: 0, roundTrips: 0 }
    try {
      const signal = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(MAX_EXCHANGE_MS)])
      if (arcs.length > 0) {
        const stream = await openStream(libp2p, peerIdFromString(peer), protocol, { signal: AbortSignal.any([signal, AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS)]), runOnLimitedConnection: true })
        session = new AeSession(stream, peer, requestTimeoutMs)
        // stopping ends a request in flight at once, not at its deadline
        const open = session
        signal.addEventListener('abort', () => { void open.close() }, { once: true })
        const ownedBy = this.init.ownedBy
        await exchange(session, this.replica, arcs, { signal, pace: async bytes => { await this.rate.take(bytes, signal) }, peerOwns: ownedBy === undefined ? undefined : key => ownedBy(peer, key), tally })
      }
      this.record(peer, tally)
      metrics.inc('meshkv_ae_exchanges_total', { result: 'ok' })
      if (tally.keysSent + tally.keysReceived > 0) log('exchange with %s: %d keys sent, %d received, %d bytes, %d round trips', peer, tally.keysSent, tally.keysReceived, tally.bytes, tally.roundTrips)
      return tally
    } catch (err) {
      const bytes = session?.bytes ?? 0
      this.record(peer, { ...tally, bytes }, (err as Error).message)
      metrics.inc('meshkv_ae_exchanges_total', { result: 'error' })
      log('exchange with %s failed: %s', peer, (err as Error).message)
      throw err
    } finally {
      metrics.observe('meshkv_ae_exchange_ms', {}, performance.now() - started)
      await session?.close()
    }
  }

  /**
   * A held key's record, read back to be digested: none (left out) when it
   * does not read back. Once stopped, quietly: a co-replica's request still
   * settling the index when the store closes would log once per held key.
   */
  private readBack (key: string): KvRecord | undefined {
    try {
      return this.init.store.readBack(key)
    } catch (err) {
      if (!this.lifetime.signal.aborted) this.init.log.error('a stored record does not read back, left out of the anti-entropy index: %s', (err as Error).message)
      return undefined
    }
  }

  /** a stored record's digest; one that does not decode is left out of the index (and logged), as a scan that met it would fail */
  private digestOf (encoded: Uint8Array): Uint8Array | undefined {
    try {
      return recordDigest(decodeRecord(encoded, OWN_RECORD_LIMITS), sha256)
    } catch (err) {
      this.init.log.error('a stored record does not decode, left out of the anti-entropy index: %s', (err as Error).message)
      return undefined
    }
  }

  private record (peer: string, r: ExchangeResult, error?: string): void {
    const t = this.totals
    t.exchanges++
    if (error !== undefined) t.failures++
    t.keysSent += r.keysSent
    t.keysReceived += r.keysReceived
    t.bytes += r.bytes
    const { metrics } = this.init
    metrics.inc('meshkv_ae_keys_repaired_total', { direction: 'sent' }, r.keysSent)
    metrics.inc('meshkv_ae_keys_repaired_total', { direction: 'received' }, r.keysReceived)
    metrics.inc('meshkv_ae_bytes_total', {}, r.bytes)
    metrics.inc('meshkv_ae_round_trips_total', {}, r.roundTrips)
    this.last.delete(peer)
    if (this.last.size >= MAX_PEERS_REMEMBERED) this.last.delete(this.last.keys().next().value as string)
    this.last.set(peer, { at: new Date().toISOString(), atMs: Date.now(), ok: error === undefined, ...r, ...(error === undefined ? {} : { error: error.slice(0, 256) }) })
  }
}
