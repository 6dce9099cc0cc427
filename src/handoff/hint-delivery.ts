/**
 * Hands hinted keys to their owners once they are back. Woken by membership
 * changes (an owner seen up again) and by a periodic tick; an owner whose
 * delivery failed waits, doubling, before the next try. For each hinted key
 * the current record is sent with the kv SYNC; the hint is deleted only
 * after the owner acknowledged, and only if no write for the key arrived
 * since it was read (the hint's stamp). Then, if this peer is not an owner
 * of the key and holds no other hint for it, the key is dropped, only if it
 * is unchanged since it was sent (RecordStore.remove).
 *
 * Bounded: `concurrency` keys in flight, `batch` keys per owner per round,
 * each SYNC with a deadline. Expired hints are dropped each round; a copy
 * held only for them, where this peer is no owner, is handed to the key's
 * owners and dropped.
 */
import { equal } from '../version/index.js'
import { siblingEquals } from '../store/record.js'
import type { HintStore } from './hint-store.js'
import type { RecordStore } from '../store/record-store.js'
import type { KvRecord } from '../store/record.js'
import { healthFromState } from '../coordinator/placement.js'
import { holdsPositions } from '../membership/view.js'
import type { Health } from '../coordinator/placement.js'
import type { Member } from '../membership/view.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Logger } from '@libp2p/interface'

export interface HintDeliveryInit {
  hints: HintStore
  store: RecordStore
  /** send a record to its owner (KvClient.sync) */
  sync: (peer: string, key: string, record: KvRecord, timeoutMs: number) => Promise<void>
  health: (peer: string) => Health
  /** whether this peer is one of the key's owners in the current ring */
  owns: (key: string) => boolean
  /** the key's owners in the current ring: a copy whose hint expired is handed to them */
  owners?: (key: string) => string[]
  /** the tombstone grace (ms): a copy whose hint is older is dropped unsent (its delete may be collected) */
  graceMs?: number
  log: Logger
  metrics: MetricsRegistry
  /** period of the retry tick (ms) */
  periodMs?: number
  /** deadline of one SYNC (ms) */
  timeoutMs?: number
  /** keys delivered at once */
  concurrency?: number
  /** keys per owner per round */
  batch?: number
  /** longest wait after failures (ms) */
  maxBackoffMs?: number
}

/**
 * A hint's owner as the delivery sees it: only a member that holds ring
 * positions takes its hints. A leaving owner answers (it may stand in for
 * others) but is pushing its keys away; a hint delivered to it after its
 * last push would leave with it, and the stand-in would drop its copy.
 */
export function hintOwnerHealth (m: Pick<Member, 'state' | 'left'> | undefined): Health {
  return m !== undefined && holdsPositions(m) ? healthFromState(m.state) : 'down'
}

export interface HintDeliveryStats {
  delivered: number
  failed: number
  droppedKeys: number
  expired: number
}

export class HintDelivery {
  private timer?: ReturnType<typeof setInterval>
  private running?: Promise<void>
  private again = false
  private stopped = true
  /** owner -> [next try (monotonic ms), current backoff] */
  private readonly backoff = new Map<string, { at: number, ms: number }>()
  readonly stats: HintDeliveryStats = { delivered: 0, failed: 0, droppedKeys: 0, expired: 0 }

  constructor (private readonly init: HintDeliveryInit) {
    const m = init.metrics
    m.describe('meshkv_hints_delivered_total', 'hinted keys handed to their owner and acknowledged')
    m.describe('meshkv_hints_delivery_failed_total', 'hinted key deliveries that failed (retried later)')
    m.describe('meshkv_hint_delivery_ms', 'hinted key deliveries (ms)')
    m.describe('meshkv_handoff_dropped_keys_total', 'keys a stand-in dropped after handing them to their owner')
  }

  start (): void {
    this.stopped = false
    this.timer = setInterval(() => { this.wake() }, this.init.periodMs ?? 2_000)
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.running
  }

  /** Membership changed: owners back up are tried now, whatever their backoff. */
  membershipChanged (): void {
    for (const owner of this.backoff.keys()) if (this.init.health(owner) === 'healthy') this.backoff.delete(owner)
    this.wake()
  }

  /** Run a round now (or right after the one under way). Resolves when it is done. */
  async wake (): Promise<void> {
    if (this.stopped) return
    if (this.running !== undefined) { this.again = true; return await this.running }
    this.running = (async () => {
      do {
        this.again = false
        await this.round().catch(err => { this.init.log.error('hint delivery round failed: %s', (err as Error).message) })
      } while (this.again && !this.stopped)
    })().finally(() => { this.running = undefined })
    await this.running
  }

  private async round (): Promise<void> {
    const { hints, metrics } = this.init
    const expired = await hints.expire()
    if (expired > 0) {
      this.stats.expired += expired
      this.init.log('dropped %d hints past their age bound', expired)
    }
    for (const { key, created } of hints.takeOrphans()) {
      if (this.stopped) return
      await this.dropOrphan(key, created)
    }
    const now = performance.now()
    for (const owner of hints.owners()) {
      if (this.stopped) return
      if (this.init.health(owner) !== 'healthy') continue
      const wait = this.backoff.get(owner)
      if (wait !== undefined && wait.at > now) continue
      const outcome = await this.deliverTo(owner)
      const base = this.init.periodMs ?? 2_000
      // refused here by an open circuit (it opened while the owner was away):
      // no backoff of its own, the breaker already paces requests and lets a
      // probe through; doubling on top held hints back long after a heal
      if (outcome !== 'failed') this.backoff.delete(owner)
      else {
        const ms = Math.min(this.init.maxBackoffMs ?? 60_000, (wait?.ms ?? base / 2) * 2)
        this.backoff.set(owner, { at: performance.now() + ms, ms })
      }
    }
  }

  /**
   * A copy held only for a hint that expired, where this peer is no owner:
   * handed to the key's owners now, then dropped (kept, a later handover
   * could push it after they collected its delete). A delete that replaced
   * it is younger than the hint, so inside its grace until the hint is
   * `graceMs` old; past that the copy is dropped unsent. A push that fails
   * is tried again next round.
   */
  private async dropOrphan (key: string, created: number): Promise<void> {
    const { hints, store, metrics, owns } = this.init
    if (owns(key)) return
    const record = await store.get(key)
    if (record === undefined) return
    if (this.init.graceMs === undefined || hints.clock() - created < this.init.graceMs) {
      const owners = this.init.owners?.(key) ?? []
      const timeoutMs = this.init.timeoutMs ?? 5_000
      const results = await Promise.allSettled(owners.map(async peer => { await this.init.sync(peer, key, record, timeoutMs) }))
      if (owners.length === 0 || results.some(r => r.status === 'rejected')) {
        hints.orphan(key, created)
        return
      }
    }
    const dropped = await store.remove(key, cur => cur !== undefined && equal(cur, record, siblingEquals) && !hints.heldForAny(key) && !owns(key))
    if (dropped) {
      this.stats.droppedKeys++
      metrics.inc('meshkv_handoff_dropped_keys_total')
    }
  }

  /** One batch of an owner's hints: 'failed' when any failed, 'circuit' when all that failed were refused by an open circuit. */
  private async deliverTo (owner: string): Promise<'ok' | 'circuit' | 'failed'> {
    const keys = this.init.hints.keysFor(owner, this.init.batch ?? 256)
    const limit = Math.max(1, this.init.concurrency ?? 8)
    let next = 0
    let outcome: 'ok' | 'circuit' | 'failed' = 'ok'
    const worker = async (): Promise<void> => {
      while (next < keys.length && !this.stopped && outcome === 'ok') {
        const { key, stamp } = keys[next++]
        const one = await this.deliverOne(owner, key, stamp)
        outcome = worse(outcome, one)
      }
    }
    await Promise.all(Array.from({ length: Math.min(limit, keys.length) }, worker))
    return outcome
  }

  private async deliverOne (owner: string, key: string, stamp: number): Promise<'ok' | 'circuit' | 'failed'> {
    const { hints, store, metrics, log } = this.init
    const started = performance.now()
    try {
      const record = await store.get(key)
      if (record !== undefined) await this.init.sync(owner, key, record, this.init.timeoutMs ?? 5_000)
      // a write for the key since it was read keeps the hint for the next round
      if (!await hints.delete(owner, key, stamp)) return 'ok'
      this.stats.delivered++
      metrics.inc('meshkv_hints_delivered_total')
      metrics.observe('meshkv_hint_delivery_ms', { outcome: 'ok' }, performance.now() - started)
      if (record !== undefined && !this.init.owns(key) && !hints.heldForAny(key)) {
        const dropped = await store.remove(key, cur => cur !== undefined && equal(cur, record, siblingEquals))
        if (dropped) {
          this.stats.droppedKeys++
          metrics.inc('meshkv_handoff_dropped_keys_total')
        }
      }
      return 'ok'
    } catch (err) {
      this.stats.failed++
      metrics.inc('meshkv_hints_delivery_failed_total')
      metrics.observe('meshkv_hint_delivery_ms', { outcome: (err as { code?: string }).code ?? 'error' }, performance.now() - started)
      log('hint for %s of %s not delivered: %s', key, owner, (err as Error).message)
      return (err as { code?: unknown }).code === 'ERR_CIRCUIT_OPEN' ? 'circuit' : 'failed'
    }
  }
}

type Outcome = 'ok' | 'circuit' | 'failed'
const RANK: Record<Outcome, number> = { ok: 0, circuit: 1, failed: 2 }
/** the worse of two delivery outcomes (a failure outweighs an open circuit) */
function worse (a: Outcome, b: Outcome): Outcome {
  return RANK[b] > RANK[a] ? b : a
}
