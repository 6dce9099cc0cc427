/**
 * The gauges a node's /metrics shows, read from its parts at scrape time
 * (nothing on the request path), and the counters that must show as 0
 * before anything happened, so a dashboard finds every series at once.
 */
import type { GaugeSample, MetricsRegistry } from '../metrics.js'
import type { MemberStatusInfo } from '../membership/membership.js'

export interface GaugeSources {
  members: () => MemberStatusInfo[]
  ringSize: () => number
  hintsPending: () => number
  keysIndexed: () => number | undefined
  tombstonesPending: () => number
  /** requests being served for other peers, over all streams */
  servedInflight: () => number
  /** requests sent to other peers and not yet answered */
  sentInflight: () => number
  /** record writes waiting for a LevelDB batch */
  queuedWrites: () => number
  /** LevelDB's estimate of the records' bytes on disk, asynchronous */
  recordBytes: () => Promise<number | undefined>
}

const STATES = ['joining', 'up', 'suspect', 'down', 'leaving'] as const
/** A scrape waits this long for the disk-size estimate, then shows the last one. */
const BYTES_WAIT_MS = 2_000

export function registerNodeGauges (metrics: MetricsRegistry, s: GaugeSources): () => void {
  metrics.gauge('meshkv_members', 'members of this peer\'s view, by state', () => {
    const counts = new Map<string, number>(STATES.map(st => [st, 0]))
    for (const m of s.members()) counts.set(m.state, (counts.get(m.state) ?? 0) + 1)
    return [...counts].map(([state, n]): GaugeSample => [{ state }, n])
  })
  metrics.gauge('meshkv_member_phi', 'phi-accrual suspicion of each watched member (above phiThreshold: suspect)', () =>
    s.members().filter(m => m.phi !== undefined).map((m): GaugeSample => [{ peer: m.id }, m.phi as number]))
  metrics.gauge('meshkv_ring_tokens', 'tokens in this peer\'s ring', () => [[{}, s.ringSize()]])
  metrics.gauge('meshkv_hints_pending', 'hints held for absent owners, waiting for delivery', () => [[{}, s.hintsPending()]])
  metrics.gauge('meshkv_keys_stored', 'keys this peer stores (its anti-entropy index; deletes not yet collected included)', () => {
    const n = s.keysIndexed()
    return n === undefined ? [] : [[{}, n]]
  })
  metrics.gauge('meshkv_tombstones_pending', 'deletes still stored, as of the last collection pass', () => [[{}, s.tombstonesPending()]])
  metrics.gauge('meshkv_queue_depth', 'work waiting or in progress, by queue: kv requests served for peers, kv requests sent and unanswered, record writes waiting for a batch', () => [
    [{ queue: 'kv_served' }, s.servedInflight()],
    [{ queue: 'kv_sent' }, s.sentInflight()],
    [{ queue: 'store_writes' }, s.queuedWrites()]
  ])
  let bytes: number | undefined
  metrics.gauge('meshkv_bytes_stored', 'approximate bytes the records take on disk (LevelDB\'s estimate, compressed)', () => bytes === undefined ? [] : [[{}, bytes]])
  const stopRefresh = metrics.onScrape(async () => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const waited = new Promise<undefined>(resolve => { timer = setTimeout(() => { resolve(undefined) }, BYTES_WAIT_MS) })
    try {
      const now = await Promise.race([s.recordBytes(), waited])
      if (now !== undefined) bytes = now
    } finally {
      clearTimeout(timer)
    }
  })
  // counters that exist from the start, at 0
  for (const op of ['put', 'get', 'delete']) metrics.inc('meshkv_quorum_failures_total', { op }, 0)
  metrics.inc('meshkv_read_repairs_total', {}, 0)
  metrics.inc('meshkv_hints_delivered_total', {}, 0)
  for (const result of ['ok', 'error']) metrics.inc('meshkv_ae_exchanges_total', { result }, 0)
  metrics.inc('meshkv_ae_bytes_total', {}, 0)
  return stopRefresh
}
