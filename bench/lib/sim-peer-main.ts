/**
 * One simulated membership peer in its own process (bench/lib/mesh-sim.ts
 * forks it): a real libp2p host from src/host.ts running meshkv's
 * Membership, without store or kv protocol. Its own process, so that one
 * peer's event loop lag is its own, as on a real deployment, and its CPU
 * and bytes are measured apart. Talks to the parent over the IPC channel:
 * `stats` is answered with this peer's counters and view; `exit` stops it
 * without announcing (to the others, a crash). It exits when the parent goes.
 */
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { membershipTopic } from '../../src/constants.js'
import { createHost } from '../../src/host.js'
import { Membership } from '../../src/membership/membership.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { tokensFor } from '../../src/ring/tokens.js'

export interface SimPeerConfig {
  bootstrap: string[]
  heartbeatMs: number
  gossipHeartbeatMs: number
  memberTimeoutMs: number
  announceMs: number
  maxDialedMembers?: number
}

/** What a peer reports; counters are totals since it started. */
export interface SimPeerStats {
  id: string
  /** membership messages over gossipsub received and sent, by kind */
  gossipIn: number
  gossipOut: number
  /** publishes by why they were sent (periodic, eager, news, refute, report ...) */
  outByWhy: Record<string, number>
  pingsOut: number
  cpuMs: number
  /** bytes this process wrote (Linux /proc/self/io wchar) */
  bytesOut?: number
  connections: number
  loopP99Ms: number
  rssMiB: number
  members: Array<{ id: string, state: string }>
}

function wchar (): number | undefined {
  try {
    const line = readFileSync('/proc/self/io', 'utf8').split('\n').find(l => l.startsWith('wchar:'))
    return line === undefined ? undefined : Number(line.slice(6))
  } catch {
    return undefined
  }
}

async function main (): Promise<void> {
  const config = JSON.parse(process.argv[2]) as SimPeerConfig
  const logger = defaultLogger()
  const libp2p = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], logger, gossipHeartbeatMs: config.gossipHeartbeatMs })
  const metrics = new MetricsRegistry()
  const membership = new Membership({
    libp2p,
    topic: membershipTopic('bench-sim'),
    capacity: 1,
    bootstrap: config.bootstrap.map(a => multiaddr(a)),
    heartbeatMs: config.heartbeatMs,
    memberTimeoutMs: config.memberTimeoutMs,
    announceMs: config.announceMs,
    log: logger.forComponent('bench:membership'),
    metrics,
    maxDialedMembers: config.maxDialedMembers,
    incarnation: 1,
    phiThreshold: 8,
    params: { n: 3, tokensPerUnit: 128, set: { n: true, tokensPerUnit: true } },
    // announced as a daemon announces its allocated tokens (128 a unit): their bytes are most of an announcement
    tokens: tokensFor({ id: libp2p.peerId.toString(), capacity: 1 }, 128)
  })
  membership.start()
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  const id = libp2p.peerId.toString()
  const count = (dir: string, kind: string): number => metrics.counter('meshkv_membership_heartbeats_total', { dir, kind })
  process.on('message', (msg: { type: string, seq?: number }) => {
    if (msg.type === 'exit') process.exit(0)
    if (msg.type === 'reset-lag') lag.reset()
    if (msg.type !== 'stats') return
    const cpu = process.cpuUsage()
    const stats: SimPeerStats = {
      id,
      gossipIn: count('in', 'announce') + count('in', 'report'),
      gossipOut: count('out', 'announce') + count('out', 'report'),
      outByWhy: membership.publishedByWhy(),
      pingsOut: membership.probeStats().sent,
      cpuMs: (cpu.user + cpu.system) / 1000,
      bytesOut: wchar(),
      connections: libp2p.getConnections().length,
      loopP99Ms: lag.percentile(99) / 1e6,
      rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
      members: membership.members().map(m => ({ id: m.id, state: m.state }))
    }
    process.send?.({ type: 'stats', seq: msg.seq, stats })
  })
  process.on('disconnect', () => process.exit(0))
  process.send?.({ type: 'ready', id, addr: libp2p.getMultiaddrs()[0].toString() })
}

main().catch(err => {
  process.stderr.write(`simulated peer failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
