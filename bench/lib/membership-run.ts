/**
 * One cluster size of the membership benchmark: start n peers, wait until
 * all see all, measure a steady-state window, then time a join and a crash
 * until every peer sees them. Time may be dilated (every period k times
 * longer) so that more peers fit on one machine; per-heartbeat numbers do
 * not depend on k.
 */
import { onCleanup } from './cleanup.js'
import { note, Progress } from './progress.js'
import { connectionCounts, refresh, resetLag, seesState, startSimPeer, stopSimPeer, totals, upCount, worstLoopP99 } from './mesh-sim.js'
import { sleep, waitFor } from './procs.js'
import { rng } from './keys.js'
import type { SimOptions, SimPeer } from './mesh-sim.js'

export interface SizeResult {
  peers: number
  kind: 'measured' | 'model' | 'failed'
  error?: string
  dilation: number
  heartbeatMs: number
  convergeMs?: number
  /** per peer per membership heartbeat period */
  msgsInPerPeerPerHb?: number
  msgsOutPerPeerPerHb?: number
  /** direct pings sent per peer per heartbeat period (as many are answered) */
  pingsOutPerPeerPerHb?: number
  bytesOutPerPeerPerHb?: number
  cpuMsPerPeerPerHb?: number
  connectionsMean?: number
  connectionsMax?: number
  joinSeenByAllMs?: number
  joinSeenByAllHb?: number
  crashSeenByAllMs?: number
  crashSeenByAllHb?: number
  /** the worst peer's event loop lag, 99th percentile, over the window */
  loopDelayP99Ms?: number
  /** some peer's event loop lagged over a tenth of a heartbeat: timings are unreliable */
  overloaded?: boolean
  /** resident memory per peer process, mean */
  rssMiB?: number
  /** gossipsub publishes per peer per heartbeat period, by why they were sent */
  outByWhyPerPeerPerHb?: Record<string, number>
}

const r2 = (x: number): number => Math.round(x * 100) / 100

export async function measureSize (n: number, sim: SimOptions, dilation: number, windowHb: number, convergeMs: number, settleHb = 2): Promise<SizeResult> {
  const H = sim.heartbeatMs
  const r: SizeResult = { peers: n, kind: 'measured', dilation, heartbeatMs: H }
  const peers: SimPeer[] = []
  const stopAll = onCleanup(`stop ${n} simulated peers`, async () => {
    await Promise.allSettled(peers.map(async p => { await stopSimPeer(p, false) }))
  })
  const random = rng(n)
  try {
    const progress = new Progress(`membership ${n} peers (heartbeat ${H} ms): starting`, n)
    peers.push(await startSimPeer([], sim))
    // each peer joins through up to 3 random earlier peers, 10 at a time so dials do not storm
    for (let i = 1; i < n; i += 10) {
      const earlier = peers.length
      await Promise.all(Array.from({ length: Math.min(10, n - i) }, async () => {
        const boot = Array.from({ length: Math.min(3, earlier) }, () => peers[Math.floor(random() * earlier)].addr)
        peers.push(await startSimPeer([...new Set(boot)], sim))
        progress.tick()
      }))
    }
    progress.finish()
    const t1 = performance.now()
    await waitFor(`${n} peers to see all ${n} up`, async () => { await refresh(peers); return peers.every(p => upCount(p) === n) }, convergeMs, Math.min(250, H / 4))
    r.convergeMs = Math.round(performance.now() - t1)
    note(`membership ${n} peers: all up after ${(r.convergeMs / 1000).toFixed(1)} s; measuring ${windowHb} heartbeats ...`)
    // members that changed state recently are not settled yet: their new connections still prompt announcements (membership.ts)
    await sleep(settleHb * H)

    resetLag(peers)
    await refresh(peers)
    const before = totals(peers)
    const w0 = performance.now()
    await sleep(windowHb * H)
    await refresh(peers)
    const hbs = (performance.now() - w0) / H
    const after = totals(peers)
    const per = (a: number, b: number): number => r2((a - b) / n / hbs)
    r.msgsInPerPeerPerHb = per(after.gossipIn, before.gossipIn)
    r.msgsOutPerPeerPerHb = per(after.gossipOut, before.gossipOut)
    r.pingsOutPerPeerPerHb = per(after.pingsOut, before.pingsOut)
    r.bytesOutPerPeerPerHb = before.bytesOut === undefined || after.bytesOut === undefined ? undefined : Math.round((after.bytesOut - before.bytesOut) / n / hbs)
    r.cpuMsPerPeerPerHb = per(after.cpuMs, before.cpuMs)
    r.outByWhyPerPeerPerHb = Object.fromEntries(Object.keys(after.byWhy).map(w => [w, per(after.byWhy[w], before.byWhy[w] ?? 0)]).filter(([, v]) => v !== 0))
    r.loopDelayP99Ms = r2(worstLoopP99(peers))
    r.overloaded = r.loopDelayP99Ms > H / 10
    r.rssMiB = Math.round(peers.reduce((a, p) => a + (p.last?.rssMiB ?? 0), 0) / n)
    const conns = connectionCounts(peers)
    r.connectionsMean = conns.mean
    r.connectionsMax = conns.max

    const timeout = Math.max(30_000, sim.memberTimeoutMs * 4)
    const j0 = performance.now()
    const joiner = await startSimPeer([peers[Math.floor(random() * n)].addr], sim)
    peers.push(joiner)
    const others = peers.slice(0, n)
    // seen by all: every peer has seen it up (a watcher's brief suspicion of a newcomer elsewhere does not restart the clock)
    const sawUp = new Set<string>()
    await waitFor('a join to be seen by all', async () => {
      await refresh(others)
      for (const p of others) if (seesState(p, joiner.id, 'up')) sawUp.add(p.id)
      return sawUp.size === others.length
    }, timeout, 10)
    r.joinSeenByAllMs = Math.round(performance.now() - j0)
    r.joinSeenByAllHb = r2(r.joinSeenByAllMs / H)
    // a plain member crashes (no leave announcement): the others must time it out
    const victim = peers[Math.floor(n / 2)]
    const f0 = performance.now()
    await stopSimPeer(victim)
    const survivors = peers.filter(p => p.running)
    await waitFor('a crash to be seen by all', async () => { await refresh(survivors); return survivors.every(p => seesState(p, victim.id, 'down')) }, timeout, 10)
    r.crashSeenByAllMs = Math.round(performance.now() - f0)
    r.crashSeenByAllHb = r2(r.crashSeenByAllMs / H)
  } catch (err) {
    r.kind = 'failed'
    r.error = (err as Error).message
  } finally {
    note(`membership ${n} peers: stopping ...`)
    await stopAll()
  }
  return r
}

/**
 * Sizes too large to host: per-peer costs fitted as a + b*n over the measured
 * sizes; the join and crash times of the largest measured size carried
 * over, in heartbeats.
 */
export function model (n: number, measured: SizeResult[]): SizeResult | undefined {
  const ok = measured.filter(m => m.kind === 'measured' && m.overloaded !== true)
  if (ok.length < 2) return undefined
  const fit = (f: (m: SizeResult) => number | undefined): number | undefined => {
    const pts = ok.map(m => [m.peers, f(m)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined)
    if (pts.length < 2) return undefined
    const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length
    const my = pts.reduce((a, p) => a + p[1], 0) / pts.length
    const b = pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0)
    return r2(my + b * (n - mx))
  }
  const last = ok[ok.length - 1]
  return {
    peers: n,
    kind: 'model',
    dilation: 1,
    heartbeatMs: last.heartbeatMs / last.dilation,
    msgsInPerPeerPerHb: fit(m => m.msgsInPerPeerPerHb),
    msgsOutPerPeerPerHb: fit(m => m.msgsOutPerPeerPerHb),
    pingsOutPerPeerPerHb: fit(m => m.pingsOutPerPeerPerHb),
    bytesOutPerPeerPerHb: fit(m => m.bytesOutPerPeerPerHb),
    cpuMsPerPeerPerHb: fit(m => m.cpuMsPerPeerPerHb),
    joinSeenByAllHb: last.joinSeenByAllHb,
    crashSeenByAllHb: last.crashSeenByAllHb
  }
}
