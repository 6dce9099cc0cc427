/**
 * Runs a joiner's pulls (riak_core's handoff manager, for the pulling
 * side): groups the planned arcs by the holder asked for each, runs a few
 * pulls at once, persists each pull's cursor after every merged batch
 * (resumable), moves the arcs of a failed pull to their next holder, and
 * keeps the progress that `status` shows and the logs report.
 */
import { hash64 } from '../ring/index.js'
import { holderFor } from './transfer-plan.js'
import { pullArcs } from './transfer-receiver.js'
import type { CursorStore } from './cursor-store.js'
import type { ArcPlan } from './transfer-plan.js'
import type { KvRecord } from '../store/record.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Libp2p, Logger } from '@libp2p/interface'

export type TransferState = 'idle' | 'joining' | 'catching-up' | 'up' | 'leaving' | 'left'

/** What `status` shows of range transfer (NodeStatus.transfer). */
export interface TransferStatus {
  state: TransferState
  /** arcs pulled in full, of those this peer must pull (the current pass) */
  arcsDone: number
  arcsTotal: number
  /** arcs no holder served (anti-entropy and read repair are left to mend them) */
  arcsFailed: number
  /** records and record bytes merged from pulls so far */
  keys: number
  bytes: number
  /** a leave's push: keys pushed of those held, and pushes that failed */
  leave?: { pushed: number, total: number, failed: number }
  /** keys handed to their new owners and dropped here after a ring change */
  dropped: number
  /** pulls that went on from a cursor stored by an earlier run */
  resumed: number
}

export interface TransferManagerInit {
  libp2p: Libp2p
  protocol: string
  cursors: CursorStore
  merge: (key: string, record: KvRecord) => Promise<unknown>
  batchBytes: number
  timeoutMs: number
  maxValueBytes: number
  log: Logger
  metrics: MetricsRegistry
  /** progress for people (the daemon logs it): a join's, a leave's, a handover's milestones */
  report?: (message: string, fields: Record<string, unknown>) => void
}

/** pulls from different holders running at once */
const PARALLEL_PULLS = 4
/** rounds over every holder of an arc before it counts as failed */
const ROUNDS = 2
const RETRY_PAUSE_MS = 500
const ARCS_PER_PULL = 4096

export class TransferManager {
  readonly status: TransferStatus = { state: 'idle', arcsDone: 0, arcsTotal: 0, arcsFailed: 0, keys: 0, bytes: 0, dropped: 0, resumed: 0 }
  private readonly stopping = new AbortController()

  constructor (private readonly init: TransferManagerInit) {
    init.metrics.describe('meshkv_transfer_received_total', 'range transfer: records and bytes merged from pulls, pulls finished and failed')
  }

  /** A milestone, for the logs of whoever listens (the daemon). */
  report (message: string, fields: Record<string, unknown> = {}): void {
    try { this.init.report?.(message, fields) } catch {}
  }

  stop (): void {
    this.stopping.abort()
  }

  /** Pull every planned arc (`pass` names the cursors: a new pass starts from the beginning). Resolves with the arcs that failed. */
  async pull (plans: ArcPlan[], pass: string): Promise<number> {
    const { log, metrics } = this.init
    const s = this.status
    s.arcsTotal = plans.length
    s.arcsDone = 0
    s.arcsFailed = 0
    const attempts = plans.map(() => 0)
    let pending = plans.map((_, i) => i)
    log('%s: pulling %d arcs', pass, plans.length)
    while (pending.length > 0 && !this.stopping.signal.aborted) {
      const groups = new Map<string, number[]>()
      for (const i of pending) {
        const h = holderFor(plans[i], attempts[i])
        let list = groups.get(h)
        if (list === undefined) groups.set(h, list = [])
        list.push(i)
      }
      const failed: number[] = []
      // a holder's arcs go in pulls of at most ARCS_PER_PULL (the holder refuses more than MAX_PULL_ARCS)
      const work: Array<[string, number[]]> = []
      for (const [h, idx] of groups) for (let i = 0; i < idx.length; i += ARCS_PER_PULL) work.push([h, idx.slice(i, i + ARCS_PER_PULL)])
      const run = async (): Promise<void> => {
        for (let next = work.shift(); next !== undefined; next = work.shift()) {
          const [holder, idx] = next
          if (await this.pullFrom(holder, idx.map(i => plans[i]), pass)) {
            s.arcsDone += idx.length
            this.report(`transfer ${pass}: pulled from ${holder}`, { arcsDone: s.arcsDone, arcsTotal: s.arcsTotal, keys: s.keys, bytes: s.bytes })
          }
          else failed.push(...idx)
        }
      }
      await Promise.all(Array.from({ length: Math.min(PARALLEL_PULLS, work.length) }, run))
      pending = []
      for (const i of failed) {
        attempts[i]++
        if (attempts[i] >= plans[i].holders.length * ROUNDS) s.arcsFailed++
        else pending.push(i)
      }
      if (pending.length > 0) await new Promise(resolve => setTimeout(resolve, RETRY_PAUSE_MS))
    }
    metrics.inc('meshkv_transfer_received_total', { what: 'arcs-failed' }, s.arcsFailed)
    log('%s: %d of %d arcs pulled, %d failed; %d keys, %d bytes so far', pass, s.arcsDone, s.arcsTotal, s.arcsFailed, s.keys, s.bytes)
    this.report(`transfer ${pass}: arcs pulled`, { pass, arcsDone: s.arcsDone, arcsTotal: s.arcsTotal, arcsFailed: s.arcsFailed, keys: s.keys, bytes: s.bytes })
    return s.arcsFailed
  }

  private async pullFrom (holder: string, plans: ArcPlan[], pass: string): Promise<boolean> {
    const { cursors, log, metrics } = this.init
    const arcs = plans.map(p => p.arc)
    // same holder, same arcs (the same ring): the same cursor after a restart
    const id = `${pass}-${hash64(`${holder}|${arcs.map(a => `${a.start}-${a.end}`).join(',')}`).toString(16)}`
    const cursor = await cursors.load(id)
    if (cursor.done) return true
    if (cursor.after !== undefined) this.status.resumed++
    log('%s: pulling %d arcs from %s%s', pass, arcs.length, holder, cursor.after === undefined ? '' : ' (resuming)')
    try {
      await pullArcs({
        libp2p: this.init.libp2p,
        protocol: this.init.protocol,
        holder,
        arcs,
        after: cursor.after,
        batchBytes: this.init.batchBytes,
        timeoutMs: this.init.timeoutMs,
        maxValueBytes: this.init.maxValueBytes,
        merge: this.init.merge,
        signal: this.stopping.signal,
        onBatch: async (after, keys, bytes) => {
          this.status.keys += keys
          this.status.bytes += bytes
          metrics.inc('meshkv_transfer_received_total', { what: 'records' }, keys)
          metrics.inc('meshkv_transfer_received_total', { what: 'bytes' }, bytes)
          await cursors.save(id, { after, done: false })
        }
      })
      await cursors.save(id, { after: undefined, done: true })
      metrics.inc('meshkv_transfer_received_total', { what: 'pulls' })
      return true
    } catch (err) {
      metrics.inc('meshkv_transfer_received_total', { what: 'pulls-failed' })
      log.error('%s: pull of %d arcs from %s failed: %s', pass, arcs.length, holder, (err as Error).message)
      this.report(`transfer ${pass}: pull from ${holder} failed, trying the next holder`, { arcs: arcs.length, error: (err as Error).message })
      return false
    }
  }
}
