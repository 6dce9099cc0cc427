/**
 * Many membership peers in one process: each a real libp2p host from
 * src/host.ts (TCP, noise, yamux, identify, ping, gossipsub), with gossipsub's
 * heartbeat scaled for time dilation. Each runs
 * meshkv's Membership, without store or kv protocol, so more peers fit on
 * one machine. Wire bytes come from /proc/self/io: every peer is in
 * this process, so the bytes this process writes to sockets are the bytes
 * all peers sent (TCP payload with noise and yamux framing).
 */
import { readFileSync } from 'node:fs'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { membershipTopic } from '../../src/constants.js'
import { createHost } from '../../src/host.js'
import { Membership } from '../../src/membership/membership.js'
import { MetricsRegistry } from '../../src/metrics.js'
import type { MeshHost } from '../../src/host.js'

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
  libp2p: MeshHost
  membership: Membership
  metrics: MetricsRegistry
  running: boolean
}

const TOPIC = membershipTopic('bench-sim')

export async function startSimPeer (bootstrap: string[], o: SimOptions): Promise<SimPeer> {
  const logger = defaultLogger()
  const libp2p = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], logger, gossipHeartbeatMs: o.gossipHeartbeatMs })
  const metrics = new MetricsRegistry()
  const membership = new Membership({
    libp2p,
    topic: TOPIC,
    capacity: 1,
    bootstrap: bootstrap.map(a => multiaddr(a)),
    heartbeatMs: o.heartbeatMs,
    memberTimeoutMs: o.memberTimeoutMs,
    log: logger.forComponent('bench:membership'),
    metrics,
    maxDialedMembers: o.maxDialedMembers,
    incarnation: 1,
    announceMs: o.announceMs ?? 30_000,
    phiThreshold: 8,
    params: { n: 3, tokensPerUnit: 128, set: { n: true, tokensPerUnit: true } }
  })
  membership.start()
  const id = libp2p.peerId.toString()
  return { id, addr: `${libp2p.getMultiaddrs()[0].toString()}`, libp2p, membership, metrics, running: true }
}

/** Stop without announcing: to the others this is a crash. */
export async function stopSimPeer (p: SimPeer): Promise<void> {
  if (!p.running) return
  p.running = false
  await p.membership.stop().catch(() => {})
  await p.libp2p.stop()
}

export function upCount (p: SimPeer): number {
  return p.membership.members().filter(m => m.state === 'up').length
}

export function seesState (p: SimPeer, id: string, state: 'up' | 'down'): boolean {
  const m = p.membership.members().find(x => x.id === id)
  return state === 'down' ? m === undefined || m.state === 'down' : m?.state === 'up'
}

/** Membership messages over gossipsub (announcements and reports) received or sent by all peers. */
export function heartbeats (peers: SimPeer[], dir: 'in' | 'out'): number {
  return peers.reduce((a, p) => a + p.metrics.counter('meshkv_membership_heartbeats_total', { dir, kind: 'announce' }) +
    p.metrics.counter('meshkv_membership_heartbeats_total', { dir, kind: 'report' }), 0)
}

/** Direct pings sent by all peers (each is answered by one peer: as many come in as go out). */
export function pings (peers: SimPeer[]): number {
  return peers.reduce((a, p) => a + p.membership.probeStats().sent, 0)
}

/** Bytes this process wrote (Linux /proc/self/io wchar); undefined elsewhere. */
export function bytesWritten (): number | undefined {
  try {
    const line = readFileSync('/proc/self/io', 'utf8').split('\n').find(l => l.startsWith('wchar:'))
    return line === undefined ? undefined : Number(line.slice(6))
  } catch {
    return undefined
  }
}

export function connectionCounts (peers: SimPeer[]): { mean: number, max: number } {
  const counts = peers.filter(p => p.running).map(p => p.libp2p.getConnections().length)
  return { mean: Math.round(counts.reduce((a, b) => a + b, 0) / Math.max(counts.length, 1)), max: Math.max(0, ...counts) }
}
