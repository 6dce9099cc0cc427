/**
 * What `status` says about reach: whether this peer is reachable (from the
 * addresses AutoNAT verified and the relay reservations it holds), whether
 * it relays for others, and how it is connected to each peer (relayed or
 * direct, since when).
 */
import { isPublicListen } from './reach-init.js'
import type { DirectUpgradeStats } from './direct-upgrade.js'
import type { Connection, Libp2p } from '@libp2p/interface'

/**
 * - public: AutoNAT verified a direct address (peers dialled it back);
 * - relayed: none is verified, but a relay holds a reservation for it;
 * - unknown: it has public address candidates AutoNAT has not verified yet;
 * - private: only private addresses (a LAN, loopback).
 */
export type Reachability = 'public' | 'relayed' | 'unknown' | 'private'

export interface ConnectionInfo {
  peer: string
  addr: string
  /** false while the connection goes through a relay (limited) */
  direct: boolean
  /** a WebRTC connection not yet seen to carry a stream (src/reach/direct-upgrade.ts): it may never */
  checking?: true
  /** what carries it: relay (a limited circuit), webrtc, websockets or tcp */
  transport: 'relay' | 'webrtc' | 'websockets' | 'tcp' | 'other'
  /**
   * a WebRTC connection's path: the remote end of the ICE candidate pair in
   * use, e.g. /ip4/203.0.113.7/udp/41234 (the peer's NAT mapping when the
   * hole was punched), and that candidate's type (host, srflx, prflx, relay)
   */
  path?: string
  candidate?: string
  direction: 'inbound' | 'outbound'
  /** when it opened (ms since the epoch) */
  openedAt: number
}

export interface ReachStatus {
  reachability: Reachability
  /** this peer serves circuit relay to others */
  relayServer: boolean
  /** reservations it holds for others (when it serves relay) */
  relayedPeers?: number
  /** its own addresses through relays */
  relayAddrs: string[]
  /** WebRTC upgrades of relayed connections (src/reach/direct-upgrade.ts) */
  upgrades?: DirectUpgradeStats
  /** open connections, at most MAX_LISTED */
  connections: ConnectionInfo[]
}

const MAX_LISTED = 64

interface NodeAddress { multiaddr: { toString: () => string }, verified: boolean }

export function reachStatus (libp2p: Libp2p, upgrades?: DirectUpgradeStats, verified?: (connectionId: string) => boolean): ReachStatus {
  const services = libp2p.services as Record<string, unknown>
  const relay = services.relay as { reservations?: { size: number } } | undefined
  // libp2p keeps the verification state of each address in its address manager, not on the public API
  const manager = (libp2p as unknown as { components?: { addressManager?: { getAddressesWithMetadata?: () => NodeAddress[] } } }).components?.addressManager
  const addrs = manager?.getAddressesWithMetadata?.() ?? libp2p.getMultiaddrs().map(m => ({ multiaddr: m, verified: true }))
  const circuit = (a: string): boolean => a.includes('/p2p-circuit')
  const relayAddrs = libp2p.getMultiaddrs().map(a => a.toString()).filter(circuit)
  const candidates = addrs.filter(a => !circuit(a.multiaddr.toString()) && isPublicListen(a.multiaddr.toString()))
  const reachability: Reachability = candidates.some(a => a.verified)
    ? 'public'
    : relayAddrs.length > 0 ? 'relayed' : candidates.length > 0 ? 'unknown' : 'private'
  return {
    reachability,
    relayServer: relay !== undefined,
    relayedPeers: relay?.reservations?.size,
    relayAddrs,
    upgrades: upgrades === undefined ? undefined : { ...upgrades },
    connections: libp2p.getConnections().slice(0, MAX_LISTED).map(c => ({
      peer: c.remotePeer.toString(),
      addr: c.remoteAddr.toString(),
      direct: c.limits === undefined,
      ...(c.limits === undefined && verified !== undefined && c.remoteAddr.toString().includes('/webrtc') && !verified(c.id) ? { checking: true as const } : {}),
      transport: transportOf(c),
      ...webrtcPath(c),
      direction: c.direction,
      openedAt: c.timeline.open
    }))
  }
}

function transportOf (c: Connection): ConnectionInfo['transport'] {
  const a = c.remoteAddr.toString()
  if (c.limits !== undefined) return 'relay'
  if (a.includes('/webrtc')) return 'webrtc'
  if (/\/wss?(\/|$)/.test(a)) return 'websockets'
  return a.includes('/tcp/') ? 'tcp' : 'other'
}

interface IceCandidate { address?: string, port?: number, type?: string }

/** The ICE pair a WebRTC connection uses (libp2p keeps the RTCPeerConnection on its multiaddr connection, node-datachannel's polyfill exposes the pair) */
function webrtcPath (c: Connection): Pick<ConnectionInfo, 'path' | 'candidate'> {
  if (c.limits !== undefined || !c.remoteAddr.toString().includes('/webrtc')) return {}
  try {
    const pc = (c as unknown as { maConn?: { peerConnection?: { selectedCandidatePair?: () => { remote?: IceCandidate } | null } } }).maConn?.peerConnection
    const remote = pc?.selectedCandidatePair?.()?.remote
    if (remote?.address === undefined || remote.port === undefined) return {}
    const family = remote.address.includes(':') ? 'ip6' : 'ip4'
    return { path: `/${family}/${remote.address}/udp/${remote.port}`, candidate: remote.type }
  } catch {
    return {}
  }
}
