/**
 * Many membership peers on one machine, each in its own process
 * (sim-peer-main.ts): a real libp2p host from src/host.ts (TCP, noise,
 * yamux, identify, ping, gossipsub) running meshkv's Membership, without
 * store or kv protocol, so more peers fit. One process per peer, as on a
 * real deployment: a peer's event loop lags only under its own load, and
 * its CPU and wire bytes (its /proc/self/io) are its own. An earlier
 * version ran every peer in the benchmark's process; at 50 peers that one
 * loop lagged by seconds, probes were answered late, and the suspicions
 * and refutations it caused were the benchmark's, not meshkv's.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import type { SimPeerConfig, SimPeerStats } from './sim-peer-main.js'

export interface SimOptions {
  heartbeatMs: number
  /** gossipsub's own heartbeat (mesh upkeep, gossip); its default is 1000 */
  gossipHeartbeatMs: number
  memberTimeoutMs: number
  /** full announcement period (meshkv default 30000) */
  announceMs?: number
  maxDialedMembers?: number
}

export interface SimPeer {
  id: string
  addr: string
  child: ChildProcess
  running: boolean
  /** the last stats this peer reported (refresh()) */
  last?: SimPeerStats
}

const MAIN = fileURLToPath(new URL('./sim-peer-main.js', import.meta.url))
/** generous: on a shared machine under a load average of 60 a node process took over a minute to start */
const START_DEADLINE_MS = 240_000
/** a peer on a loaded machine may answer late; one that misses this keeps its previous stats */
const STATS_DEADLINE_MS = 30_000
let seq = 0

export async function startSimPeer (bootstrap: string[], o: SimOptions): Promise<SimPeer> {
  const config: SimPeerConfig = { bootstrap, heartbeatMs: o.heartbeatMs, gossipHeartbeatMs: o.gossipHeartbeatMs, memberTimeoutMs: o.memberTimeoutMs, announceMs: o.announceMs ?? 30_000, maxDialedMembers: o.maxDialedMembers }
  // MESHKV_SIM_PROF=DIR: the first peer writes a CPU profile there when the size ends
  const prof = process.env.MESHKV_SIM_PROF !== undefined && seq++ === 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MESHKV_SIM_PROF}`] : []
  const child = fork(MAIN, [JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: prof })
  let stderr = ''
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4096) })
  return new Promise<SimPeer>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`a simulated peer did not start within ${START_DEADLINE_MS} ms: ${stderr}`)) }, START_DEADLINE_MS)
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`a simulated peer exited (${code}) before it started: ${stderr}`)) })
    child.on('message', (m: { type: string, id: string, addr: string }) => {
      if (m.type !== 'ready') return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ id: m.id, addr: m.addr, child, running: true })
    })
  })
}

/** `crash`: SIGKILL, to the others a crash (no leave announcement); otherwise the peer exits at once, also without announcing. */
export async function stopSimPeer (p: SimPeer, crash = true): Promise<void> {
  if (!p.running) return
  p.running = false
  const exited = new Promise<void>(resolve => { p.child.once('exit', () => { resolve() }) })
  if (crash || !p.child.connected) p.child.kill('SIGKILL')
  else p.child.send({ type: 'exit' })
  await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5000))])
}

async function stats (p: SimPeer): Promise<SimPeerStats> {
  const want = ++seq
  return new Promise<SimPeerStats>((resolve, reject) => {
    const timer = setTimeout(() => { p.child.off('message', on); reject(new Error(`simulated peer ${p.id} did not report within ${STATS_DEADLINE_MS} ms`)) }, STATS_DEADLINE_MS)
    const on = (m: { type: string, seq: number, stats: SimPeerStats }): void => {
      if (m.type !== 'stats' || m.seq !== want) return
      clearTimeout(timer)
      p.child.off('message', on)
      resolve(m.stats)
    }
    p.child.on('message', on)
    p.child.send({ type: 'stats', seq: want })
  })
}

/** Ask every running peer for its stats (kept in `last`); a peer that exited is an error, one that answers late keeps its previous stats. */
export async function refresh (peers: SimPeer[]): Promise<void> {
  await Promise.all(peers.filter(p => p.running).map(async p => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`simulated peer ${p.id} exited (${p.child.exitCode ?? p.child.signalCode})`)
    try {
      p.last = await stats(p)
    } catch (err) {
      if (p.last === undefined) throw err
    }
  }))
}

/** Start each running peer's event-loop lag histogram afresh (for a measured window). */
export function resetLag (peers: SimPeer[]): void {
  for (const p of peers) if (p.running) p.child.send({ type: 'reset-lag' })
}

export function upCount (p: SimPeer): number {
  return p.last?.members.filter(m => m.state === 'up').length ?? 0
}

export function seesState (p: SimPeer, id: string, state: 'up' | 'down'): boolean {
  const m = p.last?.members.find(x => x.id === id)
  return state === 'down' ? m === undefined || m.state === 'down' : m?.state === 'up'
}

export interface Totals {
  gossipIn: number
  gossipOut: number
  pingsOut: number
  cpuMs: number
  bytesOut?: number
  byWhy: Record<string, number>
}

/** Sums over the peers' last stats. */
export function totals (peers: SimPeer[]): Totals {
  const t: Totals = { gossipIn: 0, gossipOut: 0, pingsOut: 0, cpuMs: 0, bytesOut: 0, byWhy: {} }
  for (const p of peers) {
    const s = p.last
    if (s === undefined) continue
    t.gossipIn += s.gossipIn
    t.gossipOut += s.gossipOut
    t.pingsOut += s.pingsOut
    t.cpuMs += s.cpuMs
    t.bytesOut = s.bytesOut === undefined || t.bytesOut === undefined ? undefined : t.bytesOut + s.bytesOut
    for (const [why, n] of Object.entries(s.outByWhy)) t.byWhy[why] = (t.byWhy[why] ?? 0) + n
  }
  return t
}

export function connectionCounts (peers: SimPeer[]): { mean: number, max: number } {
  const counts = peers.filter(p => p.running && p.last !== undefined).map(p => p.last?.connections ?? 0)
  return { mean: Math.round(counts.reduce((a, b) => a + b, 0) / Math.max(counts.length, 1)), max: Math.max(0, ...counts) }
}

/** The worst 99th-percentile event-loop lag among the running peers (ms). */
export function worstLoopP99 (peers: SimPeer[]): number {
  return Math.max(0, ...peers.filter(p => p.running && p.last !== undefined).map(p => p.last?.loopP99Ms ?? 0))
}
