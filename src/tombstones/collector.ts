/**
 * Tombstone collection on one replica, in the background. Every `scanMs` it
 * reads the local store for records that hold only deletes older than the
 * grace period, asks every owner of each such key for its record, and drops
 * the local record when the rule of decision.ts allows it, under the key's
 * lock and only if the record is still the one checked (a write that came
 * in meanwhile keeps it). Each replica decides for itself; none deletes
 * anything on another.
 *
 * Rate-limited: one pass at a time, at most `maxChecksPerPass` keys checked
 * with their owners per pass, `concurrency` keys at once, each GET with a
 * deadline; the scan yields to the event loop every few hundred records.
 */
import { equal } from '../version/index.js'
import { siblingEquals } from '../store/record.js'
import { decide, locallyCollectable, onlyTombstones } from './decision.js'
import { GraceClock } from './grace-clock.js'
import type { OwnerAnswer, Verdict } from './decision.js'
import type { KvRecord } from '../store/record.js'
import type { RecordStore } from '../store/record-store.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Logger } from '@libp2p/interface'

export interface TombstoneCollectorInit {
  selfId: string
  store: Pick<RecordStore, 'entries' | 'remove'>
  client: Pick<KvClient, 'get'>
  /** called once a pass: the owners of a key in the view of now (its n replicas, this peer among them or not) */
  owners: () => (key: string) => string[]
  /** why no key may be collected now (a ring change in flight), or undefined */
  unsettled?: () => string | undefined
  graceMs: number
  scanMs: number
  maxChecksPerPass: number
  concurrency: number
  requestTimeoutMs: number
  metrics: MetricsRegistry
  log: Logger
  clock?: GraceClock
}

export interface TombstoneStatus {
  /** records of deletes only still stored, as of the last pass */
  pending: number
  /** records collected since this peer started */
  collected: number
  /** when the last pass ended (wall ms), absent before the first */
  lastScan?: number
}

export interface PassResult {
  scanned: number
  /** records of deletes only found */
  tombstones: number
  /** past their grace and checked with their owners */
  checked: number
  collected: number
  blocked: number
}

/** Records read between two yields to the event loop. */
const YIELD_EVERY = 256

export class TombstoneCollector {
  private readonly clock: GraceClock
  private timer?: ReturnType<typeof setTimeout>
  private running?: Promise<PassResult>
  private abort = new AbortController()
  private stopped = true
  private pending = 0
  private collected = 0
  private lastScan?: number

  constructor (private readonly init: TombstoneCollectorInit) {
    this.clock = init.clock ?? new GraceClock()
    const m = init.metrics
    m.describe('meshkv_tombstones_scanned_total', 'records read by tombstone collection passes')
    m.describe('meshkv_tombstones_collected_total', 'tombstone records removed after every owner had them')
    m.describe('meshkv_tombstones_blocked_total', 'expired tombstones kept, by reason (an owner silent, stale or live; a ring change)')
  }

  start (): void {
    if (!this.stopped) return
    this.stopped = false
    this.abort = new AbortController()
    this.schedule()
  }

  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.abort.abort()
    await this.running?.catch(() => {})
  }

  status (): TombstoneStatus {
    return { pending: this.pending, collected: this.collected, ...(this.lastScan !== undefined ? { lastScan: this.lastScan } : {}) }
  }

  /** One pass now (after the one under way, if any). */
  async collectNow (): Promise<PassResult> {
    while (this.running !== undefined) await this.running.catch(() => {})
    const run = this.pass().finally(() => { this.running = undefined })
    this.running = run
    return run
  }

  private schedule (): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.collectNow()
        .catch(err => { this.init.log.error('tombstone pass failed: %s', (err as Error).message) })
        .finally(() => { this.schedule() })
    }, this.init.scanMs)
    this.timer.unref?.()
  }

  private async pass (): Promise<PassResult> {
    const { store, metrics, graceMs, maxChecksPerPass } = this.init
    const signal = this.abort.signal
    const result: PassResult = { scanned: 0, tombstones: 0, checked: 0, collected: 0, blocked: 0 }
    const due: Array<[string, KvRecord]> = []
    const now = this.clock.now()
    for await (const [key, record] of store.entries()) {
      if (signal.aborted) break
      if (++result.scanned % YIELD_EVERY === 0) await new Promise(resolve => setTimeout(resolve, 0))
      if (!onlyTombstones(record)) continue
      result.tombstones++
      if (due.length < maxChecksPerPass && locallyCollectable(record, now, graceMs).collect) due.push([key, record])
    }
    metrics.inc('meshkv_tombstones_scanned_total', {}, result.scanned)
    const unsettled = this.init.unsettled?.()
    if (unsettled !== undefined && due.length > 0) {
      this.init.log('tombstone collection waits for the ring: %s', unsettled)
      metrics.inc('meshkv_tombstones_blocked_total', { reason: 'ring-changing' }, due.length)
      result.blocked += due.length
      due.length = 0
    }
    const owners = this.init.owners()
    // an owner that failed to answer once in this pass is not asked again in it: a partitioned peer costs one deadline, not one per key
    const silent = new Set<string>()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < due.length && !signal.aborted) {
        const [key, record] = due[next++]
        result.checked++
        const verdict = await this.check(key, record, owners, silent, signal)
        if (!verdict.collect) {
          result.blocked++
          metrics.inc('meshkv_tombstones_blocked_total', { reason: verdict.reason })
          continue
        }
        // only the record checked: anything newer that arrived since keeps the key
        const removed = await store.remove(key, current => current !== undefined && equal(current, record, siblingEquals), signal).catch(() => false)
        if (removed) {
          result.collected++
          this.collected++
          metrics.inc('meshkv_tombstones_collected_total')
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, this.init.concurrency) }, worker))
    this.pending = result.tombstones - result.collected
    this.lastScan = Date.now()
    return result
  }

  /** Ask every other owner for its record, then apply the rule. */
  private async check (key: string, local: KvRecord, ownersOf: (key: string) => string[], silent: Set<string>, signal: AbortSignal): Promise<Verdict> {
    const { selfId, client, requestTimeoutMs, graceMs } = this.init
    const all = ownersOf(key)
    // no ring yet: nobody to vouch that the delete reached every replica
    if (all.length === 0) return { collect: false, reason: 'silent' }
    const owners = all.filter(p => p !== selfId)
    const known = owners.find(p => silent.has(p))
    if (known !== undefined) return { collect: false, reason: 'silent', peer: known }
    const answers = await Promise.all(owners.map(async (peer): Promise<OwnerAnswer> => {
      if (signal.aborted) return { peer, failed: 'stopping' }
      try {
        const record = await client.get(peer, key, requestTimeoutMs)
        return record === undefined ? { peer, found: false } : { peer, found: true, record }
      } catch (err) {
        silent.add(peer)
        return { peer, failed: (err as Error).message }
      }
    }))
    return decide(local, answers, this.clock.now(), graceMs)
  }
}
