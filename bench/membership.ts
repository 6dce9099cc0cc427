/**
 * `membership`: many peers on loopback TCP, each in its own process and
 * running meshkv's Membership (direct pings to a bounded watch set, phi-accrual,
 * state changes and slow full announcements over gossipsub). Per cluster
 * size: messages (gossipsub in and out, pings), wire bytes and CPU per peer
 * per probe period in steady state, connections per peer, and how long a
 * join and a crash take to be seen by every peer. Sizes are run with time
 * dilated (all periods k times longer) when the whole cluster would need
 * more than half a core, up to --max-dilation; larger ones
 * are modelled from the measured ones and marked so.
 */
import { note } from './lib/progress.js'
import { measureSize, model } from './lib/membership-run.js'
import { lineChart } from './lib/svg.js'
import { printTable } from './lib/table.js'
import type { Benchmark } from './lib/bench.js'
import type { SizeResult } from './lib/membership-run.js'

/** before any size is measured, auto dilation is peers^2 over this (half a core on a fast 2-core box) */
const FIRST_DILATION_DIVISOR = 250
/** the share of one core the whole simulated cluster may use once dilated: above it the event loop lags and timings lie */
const TARGET_CORE_SHARE = 0.5

export const membership: Benchmark = {
  name: 'membership',
  summary: 'gossipsub membership cost and join/crash propagation, 10..200 peers, one process each (measured or modelled)',
  options: {
    peers: { type: 'string', default: '10,20,30,50,100,150,200', help: 'cluster sizes' },
    window: { type: 'string', default: '15', help: 'probe periods of steady state measured per size' },
    'heartbeat-ms': { type: 'string', default: '1000', help: 'probe period before dilation (meshkv default 1000)' },
    'member-timeout-ms': { type: 'string', default: '3000', help: 'time a suspect has to refute before it is down, before dilation (meshkv default 3000)' },
    'announce-ms': { type: 'string', default: '30000', help: 'full announcement period before dilation (meshkv default 30000)' },
    dilation: { type: 'string', default: 'auto', help: 'time dilation k (every period k times longer), or auto: from the CPU the smaller sizes used, so the cluster needs half a core' },
    'max-dilation': { type: 'string', default: '30', help: 'sizes that need more are modelled, not run' },
    'max-dialed': { type: 'string', help: 'members each peer dials on its own (Membership default 64)' },
    'converge-seconds': { type: 'string', default: '180', help: 'give up on a size when its peers do not all see each other by then' },
    settle: { type: 'string', default: '2', help: 'probe periods to wait after all see all before measuring; 32 or more: members are settled (a new connection to a member that changed state in the last 30 periods still prompts an announcement), so the window is steady state' },
    quick: { type: 'boolean', help: 'sizes 10,20, 3 heartbeats per window' }
  },
  async run (args, ctx) {
    const quick = args.bool('quick')
    const sizes = quick && !args.has('peers') ? [10, 20] : args.nums('peers', 2, 5000)
    const windowHb = quick && !args.has('window') ? 3 : args.num('window', 1, 1000)
    const baseHb = args.num('heartbeat-ms', 50, 60_000)
    const baseTimeout = args.num('member-timeout-ms', 100, 600_000)
    const baseAnnounce = args.num('announce-ms', 100, 3_600_000)
    const fixed = args.str('dilation') === 'auto' ? undefined : args.num('dilation', 1, 1000)
    const maxDilation = args.num('max-dilation', 1, 1000)
    const convergeMs = args.num('converge-seconds', 1, 3600) * 1000
    const settleHb = args.num('settle', 0, 10_000)
    const results: SizeResult[] = []
    let fits = true
    for (const n of sizes) {
      const k = fixed ?? autoDilation(n, baseHb, results)
      if (!fits || k > maxDilation) {
        const m = model(n, results)
        const why = fits ? `needs dilation ${k} > --max-dilation ${maxDilation}, and too few measured sizes to model it` : 'not run: a smaller size failed'
        results.push(m ?? { peers: n, kind: 'failed', dilation: k, heartbeatMs: baseHb * k, error: why })
        continue
      }
      const r = await measureSize(n, {
        heartbeatMs: baseHb * k,
        gossipHeartbeatMs: 1000 * k,
        memberTimeoutMs: baseTimeout * k,
        announceMs: baseAnnounce * k,
        maxDialedMembers: args.has('max-dialed') ? args.num('max-dialed', 1, 10_000) : undefined
      }, k, windowHb, convergeMs * Math.max(1, k / 2), settleHb)
      results.push(r)
      if (r.kind === 'failed') {
        note(`membership: ${n} peers did not complete: ${r.error ?? ''}`)
        fits = false
      }
    }
    const perSec = 1000 / baseHb
    const msgs = (r: SizeResult): number | undefined => r.msgsInPerPeerPerHb === undefined
      ? undefined
      : r.msgsInPerPeerPerHb + (r.msgsOutPerPeerPerHb ?? 0) + 2 * (r.pingsOutPerPeerPerHb ?? 0)
    printTable({
      title: `membership, per peer, at a ${baseHb} ms probe period (suspect refutes within ${baseTimeout} ms, full announcements every ${baseAnnounce} ms); msgs: gossipsub in + out + pings out and in; k: time dilation used; model: fitted from the measured sizes; times in undilated seconds`,
      columns: ['peers', 'kind', 'k', 'msgs/s', 'gossip in/s', 'pings out/s', 'KiB out/s', 'cpu ms/s', 'conns', 'conns max', 'join seen by all s', 'crash seen by all s', 'all up s', 'loop p99 ms', 'rss MiB', 'publishes/s by why'],
      rows: results.map(r => r.kind === 'failed'
        ? [r.peers, 'failed', r.dilation, (r.error ?? '').slice(0, 90)]
        : [r.peers, r.kind + (r.overloaded === true ? ' (overloaded)' : ''), r.dilation, mul(msgs(r), perSec), mul(r.msgsInPerPeerPerHb, perSec), mul(r.pingsOutPerPeerPerHb, perSec),
            mul(r.bytesOutPerPeerPerHb, perSec / 1024), mul(r.cpuMsPerPeerPerHb, perSec), r.connectionsMean, r.connectionsMax,
            mul(r.joinSeenByAllHb, baseHb / 1000), mul(r.crashSeenByAllHb, baseHb / 1000),
            r.convergeMs === undefined ? undefined : (r.convergeMs / 1000).toFixed(1), r.loopDelayP99Ms, r.rssMiB, byWhy(r, perSec)])
    })
    const shown = results.filter(r => r.kind !== 'failed')
    if (shown.length > 1) {
      await ctx.svg('membership', lineChart({
        title: `membership cost per peer per second (${baseHb} ms heartbeat; measured to ${Math.max(...shown.filter(r => r.kind === 'measured').map(r => r.peers), 0)} peers, fitted beyond)`,
        xLabel: 'peers',
        yLabel: 'per peer per second',
        series: [
          { name: 'messages', points: shown.map(r => [r.peers, (msgs(r) ?? NaN) * perSec]) },
          { name: 'KiB sent', points: shown.map(r => [r.peers, (r.bytesOutPerPeerPerHb ?? NaN) * perSec / 1024]) },
          { name: 'CPU ms', points: shown.map(r => [r.peers, (r.cpuMsPerPeerPerHb ?? NaN) * perSec]) }
        ]
      }))
    }
    return { baseHeartbeatMs: baseHb, baseMemberTimeoutMs: baseTimeout, baseAnnounceMs: baseAnnounce, windowHeartbeats: windowHb, sizes: results }
  }
}

/**
 * The cluster's CPU per probe period at n: n times the per-peer cost, taken
 * from a straight-line fit of the sizes measured so far (or the one
 * measured, held flat); dilate until the cluster needs TARGET_CORE_SHARE of
 * a core. The CPU class of the machine is in the measurement, not in a
 * constant.
 */
function autoDilation (n: number, baseHb: number, done: SizeResult[]): number {
  const pts = done.filter(r => r.kind === 'measured' && r.cpuMsPerPeerPerHb !== undefined).map(r => [r.peers, r.cpuMsPerPeerPerHb as number] as const)
  if (pts.length === 0) return Math.max(1, Math.ceil(n * n / FIRST_DILATION_DIVISOR))
  let perPeer = Math.max(...pts.map(p => p[1]))
  if (pts.length >= 2) {
    const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length
    const my = pts.reduce((a, p) => a + p[1], 0) / pts.length
    const b = Math.max(0, pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0))
    perPeer = Math.max(perPeer, my + b * (n - mx))
  }
  return Math.max(1, Math.ceil(n * perPeer / (TARGET_CORE_SHARE * baseHb)))
}

/** publishes per peer per second by reason, largest first: "periodic 0.03, news 0.01" */
function byWhy (r: SizeResult, perSec: number): string | undefined {
  if (r.outByWhyPerPeerPerHb === undefined) return undefined
  return Object.entries(r.outByWhyPerPeerPerHb).sort((a, b) => b[1] - a[1]).map(([w, v]) => `${w} ${(v * perSec).toFixed(3)}`).join(', ')
}

const mul = (x: number | undefined, by: number): number | undefined => x === undefined ? undefined : Math.round(x * by * 100) / 100
