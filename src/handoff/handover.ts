/**
 * After the ring changed (a join, a leave), a peer may hold keys it no
 * longer owns: not in the key's preference list of the current ring. Once
 * the ring has been stable for `stableMs`, this hands each such key to its
 * current owners (SYNC to every one of them) and drops it here only after
 * all of them acknowledged, under the key's lock and only if the record is
 * still the one sent (a write that arrived meanwhile keeps it). Keys the
 * caller wants kept (a fallback's hint, say) are skipped. Rate-limited; a
 * ring change during a sweep ends it, and a new one follows once stable.
 */
import { equals } from 'uint8arrays'
import { encodeRecord } from '../store/record.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { RecordStore } from '../store/record-store.js'
import type { Ring } from '../ring/index.js'
import type { TransferStatus } from './transfer-manager.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Logger } from '@libp2p/interface'

export interface HandoverInit {
  selfId: string
  store: RecordStore
  client: KvClient
  n: () => number
  /** the current ring (this peer's view) */
  ring: () => Ring
  /** true for a key this peer must keep whatever the ring says (a hint it holds for a down owner) */
  keep: (key: string) => boolean | Promise<boolean>
  stableMs: number
  /** keys handed over per second at most */
  rate: number
  pushTimeoutMs: number
  status: TransferStatus
  log: Logger
  metrics: MetricsRegistry
  report?: (message: string, fields: Record<string, unknown>) => void
}

export class Handover {
  private lastRing?: Ring
  private changedAt = performance.now()
  /** a sweep is due (a start, a ring change) */
  private dirty = true
  private running = false
  private timer?: ReturnType<typeof setInterval>

  constructor (private readonly init: HandoverInit) {
    init.metrics.describe('meshkv_transfer_handover_total', 'keys no longer owned: handed to their owners and dropped, kept (a write came meanwhile, an owner did not take it), or skipped (kept for a hint)')
  }

  start (): void {
    this.timer = setInterval(() => { this.check() }, Math.max(250, Math.min(this.init.stableMs / 4, 5_000)))
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** The view changed: when the ring did, a sweep follows once it has been stable. */
  viewChanged (): void {
    const ring = this.init.ring()
    if (this.lastRing !== undefined && ring.equals(this.lastRing)) return
    this.lastRing = ring
    this.changedAt = performance.now()
    this.dirty = true
  }

  private check (): void {
    if (this.running || !this.dirty || performance.now() - this.changedAt < this.init.stableMs) return
    this.dirty = false
    this.running = true
    this.sweep().catch(err => {
      this.dirty = true
      this.init.log.error('handover sweep failed: %s', (err as Error).message)
    }).finally(() => { this.running = false })
  }

  private async sweep (): Promise<void> {
    const { store, selfId, log, metrics } = this.init
    const ring = this.init.ring()
    // a peer out of the ring (joining, leaving) owns nothing yet: it drops nothing
    if (!ring.has(selfId)) return
    const started = this.changedAt
    const gapMs = 1000 / Math.max(this.init.rate, 0.001)
    let handed = 0
    for await (const [key, record] of store.entries()) {
      if (this.timer === undefined || this.changedAt !== started) {
        this.dirty = true
        return
      }
      const owners = ring.preferenceList(key, this.init.n())
      if (owners.includes(selfId)) continue
      if (await this.init.keep(key)) {
        metrics.inc('meshkv_transfer_handover_total', { result: 'skipped' })
        continue
      }
      const results = await Promise.allSettled(owners.map(async peer => { await this.init.client.sync(peer, key, record, this.init.pushTimeoutMs) }))
      const sent = encodeRecord(record)
      const dropped = results.every(r => r.status === 'fulfilled') &&
        await store.remove(key, current => current !== undefined && equals(encodeRecord(current), sent))
      metrics.inc('meshkv_transfer_handover_total', { result: dropped ? 'dropped' : 'kept' })
      if (dropped) {
        this.init.status.dropped++
        handed++
      }
      await new Promise(resolve => setTimeout(resolve, gapMs))
    }
    if (handed > 0) log('handed over and dropped %d keys this peer no longer owns', handed)
    if (handed > 0) this.init.report?.('handed over and dropped keys this peer no longer owns', { keys: handed })
  }
}
