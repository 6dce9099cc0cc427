/**
 * A peer's way out (riak_core's handoff on leave, pushing side): push every
 * key it holds to the key's owners in the ring without it (all of them:
 * SYNC merges, so an owner that had it loses nothing), announce leaving,
 * wait a moment for the news to spread, then push again the keys that
 * changed since the first push began (writes that still reached this
 * peer). Progress goes to the transfer status. Pushes go through the kv
 * protocol's SYNC, each with its deadline; a key some owner did not take
 * counts as failed (its other replicas still hold it).
 */
import type { KvClient } from '../protocol/kv-client.js'
import type { RecordStore } from '../store/record-store.js'
import type { KvRecord } from '../store/record.js'
import type { Ring } from '../ring/index.js'
import type { TransferManager } from './transfer-manager.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Logger } from '@libp2p/interface'

export interface LeaveInit {
  selfId: string
  store: RecordStore
  client: KvClient
  n: () => number
  /** the ring as it will be without this peer (from the current view) */
  ringWithoutSelf: () => Ring
  announceLeaving: () => Promise<void>
  manager: TransferManager
  /** how long to let the leaving announcement spread before the second push (ms) */
  gossipWaitMs: number
  /** deadline of one push (ms) */
  pushTimeoutMs: number
  signal: AbortSignal
  log: Logger
  metrics: MetricsRegistry
}

/** keys pushed at once */
const PUSH_CONCURRENCY = 32
/** changed keys remembered for the second push; past it, every key is pushed again */
const MAX_CHANGED = 100_000

export async function leave (init: LeaveInit): Promise<void> {
  const { store, manager, log } = init
  const status = manager.status
  status.state = 'leaving'
  status.leave = { pushed: 0, total: 0, failed: 0 }
  init.metrics.describe('meshkv_transfer_pushed_total', 'range transfer on leave and hand-over: keys pushed to their new owners, and pushes that failed')
  const changed = new Set<string>()
  let overflow = false
  const unwatch = store.watch((key) => {
    if (changed.size < MAX_CHANGED) changed.add(key)
    else overflow = true
  })
  try {
    for await (const _ of store.encodedEntries()) status.leave.total++
    log('leaving: pushing %d keys to their new owners', status.leave.total)
    await pushAll(init, store.entries())
    manager.report('leaving: keys pushed, announcing', { ...status.leave })
    await init.announceLeaving()
    await sleep(init.gossipWaitMs, init.signal)
    const again = overflow ? undefined : [...changed]
    changed.clear()
    if (again === undefined) await pushAll(init, store.entries())
    else {
      status.leave.total += again.length
      await pushAll(init, records(store, again))
    }
    log('left: %d keys pushed, %d failed', status.leave.pushed, status.leave.failed)
    manager.report('left: keys pushed to their new owners', { ...status.leave })
  } finally {
    unwatch()
  }
}

async function * records (store: RecordStore, keys: string[]): AsyncGenerator<[string, KvRecord]> {
  for (const key of keys) {
    const record = await store.get(key)
    if (record !== undefined) yield [key, record]
  }
}

async function pushAll (init: LeaveInit, entries: AsyncIterable<[string, KvRecord]>): Promise<void> {
  const ring = init.ringWithoutSelf()
  const progress = init.manager.status.leave!
  const inflight = new Set<Promise<void>>()
  for await (const [key, record] of entries) {
    if (init.signal.aborted) break
    const owners = ring.preferenceList(key, init.n()).filter(p => p !== init.selfId)
    const p = push(init, key, record, owners).then(ok => {
      progress.pushed++
      if (!ok) progress.failed++
      init.metrics.inc('meshkv_transfer_pushed_total', { result: ok ? 'ok' : 'failed' })
    }).finally(() => { inflight.delete(p) })
    inflight.add(p)
    if (inflight.size >= PUSH_CONCURRENCY) await Promise.race(inflight)
  }
  await Promise.all(inflight)
}

/** true when every owner took it (or there is none to take it) */
async function push (init: LeaveInit, key: string, record: KvRecord, owners: string[]): Promise<boolean> {
  if (owners.length === 0) return true
  const results = await Promise.allSettled(owners.map(async peer => { await init.client.sync(peer, key, record, init.pushTimeoutMs) }))
  return results.every(r => r.status === 'fulfilled')
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, ms)
    function done (): void { clearTimeout(timer); signal.removeEventListener('abort', done); resolve() }
    signal.addEventListener('abort', done, { once: true })
  })
}
