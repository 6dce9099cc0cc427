/**
 * The client-facing side, run by any peer for any key. put hands the write to
 * a replica (this peer when it is one, else the first reachable one), which
 * mints the dot and waits for W; a replica that fails or stays silent past
 * the hedge delay is backed up by the next (src/coordinator/hedged.ts). Every
 * write carries an id, so a retry or a hedge is never a second sibling. A
 * put answers with the stored siblings and the context that covers exactly
 * them;
 * get asks R replicas (this peer first when it is one), another only when
 * one fails or stays silent (src/coordinator/read-quorum.ts), merges with
 * DVV sync and repairs the replicas that answered with less, in the
 * background.
 */
import { QuorumNotMetError } from '../errors.js'
import { decodeContextWrites, encodeContext, join, syncAll } from '../version/index.js'
import { distinctWrites, siblingEquals, WRITE_ID_BYTES } from '../store/record.js'
import { contextWrites, unreplaced } from '../store/superseded.js'
import { hedged } from './hedged.js'
import { randomBytes } from './random-bytes.js'
import { withRetry } from './retry.js'
import { readQuorum } from './read-quorum.js'
import { repairReplicas } from './read-repair.js'
import { withDeadline } from '../protocol/deadline.js'
import { validateKey, validateQuorum, validateValue } from './validate.js'
import { InvalidArgumentError } from '../errors.js'
import { HedgePolicy } from './hedge-policy.js'
import { READ_HEDGE_MIN_MS } from '../constants.js'
import { displayKey } from '../buckets/encoding.js'
import type { Replica } from './replica.js'
import type { RecordCache } from './record-cache.js'
import { healthyFirst } from './placement.js'
import type { Placement } from './placement.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { KvRecord } from '../store/record.js'
import type { Logger } from '@libp2p/interface'
import type { MetricsRegistry } from '../metrics.js'
import { newRequestId, parseTraceparent, validRequestId } from '../observability/request-trace.js'
import { debugLog, LOGGED_KEY_CHARS } from '../observability/request-log.js'
import { NO_TRACING } from '../observability/tracing.js'
import type { RequestTrace } from '../observability/request-trace.js'
import type { RequestLog } from '../observability/request-log.js'
import type { Tracing } from '../observability/tracing.js'

export interface Quorums { n: number, r: number, w: number }

/** Who a request is, across peers: its id (a fresh one when absent or malformed) and the caller's W3C traceparent. */
export interface TraceOptions {
  requestId?: string
  traceparent?: string
  /**
   * A read or write meshkv makes for itself (the bucket catalog, usage
   * records, a quota's check that a key exists), not a client's: timed in
   * meshkv_internal_ms, so meshkv_client_ms and the quorum failures count
   * client requests only.
   */
  internal?: boolean
}

/** `n`: replicas of this key when its bucket sets fewer than the cluster's (src/buckets/); 1..cluster n */
export interface ReadOptions extends TraceOptions { r?: number, n?: number, timeoutMs?: number }
export interface WriteOptions extends TraceOptions {
  w?: number
  /** replicas of this key when its bucket sets fewer than the cluster's (src/buckets/); 1..cluster n */
  n?: number
  context?: string
  timeoutMs?: number
  /**
   * The write's id (WRITE_ID_BYTES bytes): the same id on a retry makes the
   * retry apply at most once. A fresh random one when absent.
   */
  writeId?: Uint8Array
}

export interface GetResult {
  /** a live value exists (all siblings being deletes reads as not found) */
  found: boolean
  /** the live sibling values; more than one means concurrent writes to resolve */
  values: Uint8Array[]
  /** siblings that are deletes, concurrent with the values */
  deletes: number
  /** opaque causal context: pass it to the next put/delete of this key */
  context: string
  /** replicas that answered */
  replicas: string[]
}

export interface PutResult {
  /**
   * Context of the record after the write, for a next write without a read.
   * It covers exactly `values` and the deletes counted in `deletes`: the
   * written value and any concurrent siblings it did not replace.
   */
  context: string
  /** the live sibling values stored after the write (yours among them, unless a delete) */
  values: Uint8Array[]
  /** siblings that are deletes */
  deletes: number
  acked: string[]
}

export interface CoordinatorInit {
  placement: Placement
  replica: Replica
  client: KvClient
  quorums: Quorums
  requestTimeoutMs: number
  maxValueBytes: number
  log: Logger
  metrics: MetricsRegistry
  /** a record that means the same as none: read repair does not copy it to a replica that has none */
  asGoodAsNone?: (record: KvRecord) => boolean
  /** a line per client request, with its id (debug) */
  requestLog?: RequestLog
  /** a span per client request (off when absent) */
  tracing?: Tracing
  /**
   * records of keys this peer read or wrote without being their replica,
   * whose digests make the next read of them a conditional one
   */
  recordCache?: RecordCache
}

export class Coordinator {
  /** when a silent replica is backed up by the next (src/coordinator/hedge-policy.ts) */
  private readonly hedging = new HedgePolicy()
  /** when a read asks one more replica beside a silent one (its own latencies: a read is not a write) */
  private readonly readHedging = new HedgePolicy(READ_HEDGE_MIN_MS)

  constructor (private readonly init: CoordinatorInit) {
    init.metrics.describe('meshkv_client_ms', 'client operations coordinated by this peer (ms)')
    init.metrics.describe('meshkv_read_repairs_total', 'replicas sent a merged record after a read')
    init.metrics.describe('meshkv_read_hedges_total', 'replicas asked beside a silent one during a read (speculative retry)')
    init.metrics.describe('meshkv_replica_retries_total', 'replica requests tried again after a transient failure (backoff with jitter, within the deadline)')
    init.metrics.describe('meshkv_quorum_failures_total', 'client operations that failed for want of a quorum (ERR_QUORUM_NOT_MET), by operation')
    init.metrics.describe('meshkv_internal_ms', 'reads and writes meshkv made for itself (bucket catalog, usage, quota checks), by operation and outcome (ms)')
  }

  async put (key: string, value: Uint8Array, options: WriteOptions = {}): Promise<PutResult> {
    validateValue(value, this.init.maxValueBytes)
    return this.timed('put', key, options, async trace => this.write(key, value, options, trace))
  }

  async delete (key: string, options: WriteOptions = {}): Promise<PutResult> {
    return this.timed('delete', key, options, async trace => this.write(key, null, options, trace))
  }

  async get (key: string, options: ReadOptions = {}): Promise<GetResult> {
    return this.timed('get', key, options, async trace => this.read(key, options, trace))
  }

  private async write (key: string, value: Uint8Array | null, options: WriteOptions, trace: RequestTrace | undefined): Promise<PutResult> {
    validateKey(key)
    const n = this.replicas(options.n)
    const w = validateQuorum('w', options.w ?? Math.min(this.init.quorums.w, n), n)
    const decoded = options.context === undefined || options.context === '' ? { vector: [], writes: [] } : decodeContextWrites(options.context, key)
    const context = decoded.vector
    const writeId = options.writeId ?? randomBytes(WRITE_ID_BYTES)
    if (writeId.byteLength !== WRITE_ID_BYTES) throw new InvalidArgumentError(`a write id is ${WRITE_ID_BYTES} bytes, got ${writeId.byteLength}`)
    const timeoutMs = options.timeoutMs ?? this.init.requestTimeoutMs
    const started = performance.now()
    // the coordinating replica is one of the key's sloppy targets (an owner,
    // or a stand-in for a down one), or, when all of those fail or stay
    // silent (a partition not yet detected), a spare further along the ring,
    // which keeps its copy as hints for the owners
    const { targets, spares } = this.init.placement.sloppyTargets(key, n)
    const prefs = targets.map(t => t.peer)
    const extra = spares.filter(p => !prefs.includes(p))
    const op = `${value === null ? 'delete' : 'put'} ${displayKey(key)}`
    if (prefs.length + extra.length < w) throw new QuorumNotMetError(op, { required: w, received: 0, available: prefs.length + extra.length, answered: [], failed: [] })
    const put = { key, sibling: { value, timestamp: Date.now(), writeId }, context, contextWrites: decoded.writes, n, w, trace }
    // This peer goes first when it is a replica: any replica may mint the
    // dot, and that saves a hop.
    const self = this.init.placement.selfId
    const order = [...healthyFirst(this.hedging.order(prefs, self), p => this.init.placement.health(p)), ...extra]
    let answered = self
    const outcome = await hedged(order.map(peer => ({
      peer,
      run: async (left: number) => {
        // a retry carries the same write id: the replica answers with the write, never mints it twice
        const out = peer === self
          ? await this.init.replica.coordinatePut({ ...put, timeoutMs: left })
          : await withRetry(async ms => this.init.client.put(peer, { ...put, timeoutMs: ms }), { deadline: performance.now() + left, onRetry: this.retried('put'), worthRetrying: () => this.init.placement.health(peer) !== 'down' })
        answered = peer
        return out
      }
    })), {
      op,
      deadline: started + timeoutMs,
      hedgeAfterMs: this.hedging.delay(timeoutMs, order.length),
      required: w,
      // a spare is tried only once every target failed, never beside a slow
      // one: a target that coordinates may take most of the time to back up
      // a silent replica, and a spare coordinating beside it would mint twice.
      // Beside a suspect one, it is: a partition not yet decided leaves
      // every owner suspect and silent, and the write would wait for the
      // deadline while the spares that live could take it (a second mint is
      // one write all the same: same write id, src/store/superseded.ts)
      mayHedge: (silent, next) => (!extra.includes(next) || this.init.placement.health(silent) === 'suspect') && this.hedging.mayHedge(silent, next)
    })
    this.hedging.succeeded(answered, performance.now() - started)
    if (!prefs.includes(self)) this.init.recordCache?.set(key, outcome.record)
    const siblings = distinctWrites(unreplaced(outcome.record))
    // copies, as a read's: a retried write is answered with the record the
    // store holds, whose values are its cache's own (src/store/hot-records.ts)
    const live = siblings.filter(s => s.value !== null).map(s => new Uint8Array(s.value as Uint8Array))
    return { context: encodeContext(join(outcome.record), key, contextWrites(outcome.record)), values: live, deletes: siblings.length - live.length, acked: outcome.acked }
  }

  private async read (key: string, options: ReadOptions, trace: RequestTrace | undefined): Promise<GetResult> {
    validateKey(key)
    const n = this.replicas(options.n)
    const r = validateQuorum('r', options.r ?? Math.min(this.init.quorums.r, n), n)
    const timeoutMs = options.timeoutMs ?? this.init.requestTimeoutMs
    const deadline = performance.now() + timeoutMs
    const { placement, replica, client } = this.init
    // the sloppy targets: a stand-in for a down owner may hold its latest writes (with a hint)
    const { targets } = placement.sloppyTargets(key, n)
    const prefs = targets.map(t => t.peer)
    const standIns = new Set(targets.filter(t => t.hintFor !== undefined).map(t => t.peer))
    if (prefs.length < r) throw new QuorumNotMetError(`get ${displayKey(key)}`, { required: r, received: 0, available: prefs.length, answered: [], failed: [] })
    // this replica's own record first (a synchronous LevelDB read where it
    // can): a remote reply that is the same bytes becomes the same record,
    // so replicas in sync cost no decoding, no merge and no repair check.
    // A peer with no copy sends the digest of the record it last saw there
    // (src/coordinator/record-cache.ts): a conditional GET
    const local = prefs.includes(placement.selfId) ? replica.localGet(key) : undefined
    // Waited for no longer than a silent replica is before a hedge: a local
    // read that never settles (a store stuck under it) must not hold the
    // read, and what waits on it, past its deadline; the others are then
    // asked without a digest
    const own = local === undefined ? this.init.recordCache?.get(key) : await withDeadline(local, this.readHedging.delay(timeoutMs, prefs.length)).catch(() => undefined)
    const started = performance.now()
    const order = healthyFirst(this.readHedging.order(prefs, placement.selfId), p => placement.health(p))
    const calls = order.map(peer => ({
      peer,
      run: async (): Promise<KvRecord | undefined> => {
        const record = peer === placement.selfId ? await (local as Promise<KvRecord | undefined>) : await withRetry(async ms => client.get(peer, key, ms, trace, own), { deadline, onRetry: this.retried('get'), worthRetrying: () => placement.health(peer) !== 'down' })
        // a stand-in without the key knows nothing of it: its "not found" is not an answer that counts toward R
        if (record === undefined && standIns.has(peer)) throw new Error('stand-in holds nothing for this key')
        return record
      }
    }))
    const result = await readQuorum(`get ${displayKey(key)}`, calls, r, {
      hedgeAfterMs: this.readHedging.delay(timeoutMs, order.length),
      mayHedge: (silent, next) => {
        const hedge = this.readHedging.mayHedge(silent, next)
        if (hedge) this.init.metrics.inc('meshkv_read_hedges_total')
        return hedge
      }
    })
    this.readHedging.succeeded(result.ok[result.ok.length - 1].peer, performance.now() - started)
    const merged = mergeReplies(result.ok.map(x => x.value))
    if (local === undefined) this.init.recordCache?.set(key, merged)
    void result.settled.then(async all => {
      // stand-ins are not repaired: a copy there without a hint would never be handed over or dropped
      const repaired = await repairReplicas(key, mergeReplies(all.ok.map(x => x.value)), all.ok.filter(x => !standIns.has(x.peer)), { replica, client, selfId: placement.selfId, timeoutMs, asGoodAsNone: this.init.asGoodAsNone, trace })
      if (repaired > 0) this.init.metrics.inc('meshkv_read_repairs_total', {}, repaired)
    }).catch(err => { this.init.log('read repair of %s failed: %s', key, (err as Error).message) })
    const siblings = merged === undefined ? [] : distinctWrites(unreplaced(merged))
    // the caller gets copies: the values of a cached record (a "same" reply)
    // are the cache's own, and the merged record's are repaired onto the
    // replicas that answer late; what the caller does to them (an app
    // decoding in place) would be the next read's, or a replica's
    const live = siblings.filter(s => s.value !== null).map(s => new Uint8Array(s.value as Uint8Array))
    return {
      found: live.length > 0,
      values: live,
      deletes: siblings.length - live.length,
      context: merged === undefined ? '' : encodeContext(join(merged), key, contextWrites(merged)),
      replicas: result.ok.map(x => x.peer)
    }
  }

  private retried (op: string): () => void {
    return () => { this.init.metrics.inc('meshkv_replica_retries_total', { op }) }
  }

  /** A bucket's n, never above the cluster's: past it, handover would drop its extra copies. */
  private replicas (n: number | undefined): number {
    return n === undefined ? this.init.quorums.n : validateQuorum('n', n, this.init.quorums.n)
  }

  /** Metrics, a span and a log line around one client operation; `fn` gets the trace its messages carry. */
  private async timed<T> (op: string, key: string, options: TraceOptions, fn: (trace: RequestTrace) => Promise<T>): Promise<T> {
    const started = performance.now()
    const requestId = validRequestId(options.requestId) ?? newRequestId()
    const traceparent = options.traceparent === undefined || parseTraceparent(options.traceparent) === undefined ? undefined : options.traceparent
    const tracing = this.init.tracing ?? NO_TRACING
    const span = tracing.enabled ? tracing.start(op, { requestId, traceparent }, 'server', { 'meshkv.key': String(key).slice(0, LOGGED_KEY_CHARS) }) : undefined
    const trace = span?.trace ?? { requestId, traceparent }
    let outcome = 'ok'
    try {
      const out = await fn(trace)
      span?.end()
      return out
    } catch (err) {
      outcome = (err as { code?: string }).code ?? 'error'
      if (outcome === 'ERR_QUORUM_NOT_MET' && options.internal !== true) this.init.metrics.inc('meshkv_quorum_failures_total', { op })
      span?.end(err)
      throw err
    } finally {
      const ms = performance.now() - started
      this.init.metrics.observe(options.internal === true ? 'meshkv_internal_ms' : 'meshkv_client_ms', { op, outcome }, ms)
      debugLog(this.init.requestLog)?.debug('request coordinated', { req: requestId, op, key: String(key).slice(0, LOGGED_KEY_CHARS), outcome, ms: Math.round(ms * 100) / 100 })
    }
  }
}

export function mergeReplies (records: Array<KvRecord | undefined>): KvRecord | undefined {
  // replicas in sync answered with the one record (KvClient.get's `likely`): nothing to merge
  const present = [...new Set(records.filter((r): r is KvRecord => r !== undefined))]
  if (present.length === 1) return present[0]
  return present.length === 0 ? undefined : syncAll(present, siblingEquals)
}
