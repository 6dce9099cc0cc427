// temporary diagnostic, not committed
import '../src/shim.js'
import { startSimPeer, stopSimPeer, upCount } from './lib/mesh-sim.js'
import type { SimPeer } from './lib/mesh-sim.js'
const n = Number(process.argv[2] ?? 50)
const H = Number(process.argv[3] ?? 5000)
const sim = { heartbeatMs: H, memberTimeoutMs: 3 * H, announceMs: 30 * H }
const peers: SimPeer[] = []
peers.push(await startSimPeer([], sim as any))
for (let i = 1; i < n; i += 10) {
  const earlier = peers.length
  await Promise.all(Array.from({ length: Math.min(10, n - i) }, async () => {
    const boot = Array.from({ length: Math.min(3, earlier) }, () => peers[Math.floor(Math.random() * earlier)].addr)
    peers.push(await startSimPeer([...new Set(boot)], sim as any))
  }))
}
const t0 = Date.now()
while (!peers.every(p => upCount(p) === n) && Date.now() - t0 < 120000) await new Promise(r => setTimeout(r, 250))
console.log('up after', Date.now() - t0)
const snap = () => {
  const out: Record<string, number> = {}
  for (const p of peers) {
    const text = p.metrics.render()
    for (const line of text.split('\n')) {
      const m = line.match(/^meshkv_membership_heartbeats_total\{(.*)\} (\d+)/)
      if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2])
    }
  }
  return out
}
await new Promise(r => setTimeout(r, 2 * H))
const a = snap()
const probeA = peers.map(p => p.membership.probeStats())
await new Promise(r => setTimeout(r, 6 * H))
const b = snap()
for (const k of Object.keys(b)) console.log(k, ((b[k] - (a[k] ?? 0)) / n / 6).toFixed(2), 'per peer per period')
let sent = 0, answered = 0
peers.forEach((p, i) => { const s = p.membership.probeStats(); sent += s.sent - probeA[i].sent; answered += s.answered - probeA[i].answered })
console.log('pings sent', sent, 'answered', answered)
const errs = new Map<string, number>()
for (const p of peers) { const e = (p.membership as any).prober.lastError; if (e) errs.set(e, (errs.get(e) ?? 0) + 1) }
console.log([...errs])
const states = new Map<string, number>()
for (const p of peers) for (const m of p.membership.members()) states.set(m.state, (states.get(m.state) ?? 0) + 1)
console.log([...states])
await Promise.all(peers.map(stopSimPeer))
process.exit(0)
