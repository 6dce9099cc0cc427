/**
 * How a peer makes itself reachable from behind a NAT, and helps others do
 * so: the settings (ReachInit) and the decisions taken from them before the
 * host starts. The libp2p services they turn into are in services.ts.
 */
import { multiaddr } from '@multiformats/multiaddr'

export type RelayServerMode = 'auto' | boolean

export interface RelayLimits {
  /** reservations held at once */
  maxReservations?: number
  /** how long one relayed connection may last (ms) */
  durationMs?: number
  /** bytes one relayed connection may carry each way */
  dataBytes?: number
}

export interface ReachInit {
  /**
   * serve circuit relay v2 to peers behind NATs: true, false, or 'auto'
   * (default): serve when this peer listens on a publicly routable address
   */
  relayServer?: RelayServerMode
  relayLimits?: RelayLimits
  /**
   * hold a reservation on a relay so that peers can reach this one through
   * it (its relay address is then announced with its others): true, false,
   * or 'auto' (default): when it listens on no publicly routable address
   */
  relayReservation?: RelayServerMode
  /** ask peers to dial this one back, to learn whether it is reachable (default true) */
  autonat?: boolean
  /** DCUtR: upgrade relayed connections to direct ones by hole punching (default true) */
  dcutr?: boolean
  /** map the listening port on a UPnP/NAT-PMP router (default false) */
  upnp?: boolean
  /** WebRTC between peers, signalled through a relay: UDP hole punching, which works through NATs where TCP's does not (default false) */
  webrtc?: boolean
  /** STUN (or TURN) URLs WebRTC learns its public address from, e.g. "stun:stun.example.net:3478"; none by default */
  iceServers?: string[]
  /** how often relayed connections whose WebRTC upgrade failed are tried again (ms) */
  webrtcRetryMs?: number
}

/** A listen address on a publicly routable IP (not loopback, private, link-local or unspecified). */
export function isPublicListen (addr: string): boolean {
  let host: string
  try {
    const c = multiaddr(addr).getComponents()
    const ip = c.find(x => x.name === 'ip4' || x.name === 'ip6')
    if (ip?.value === undefined) return c.some(x => x.name === 'dns' || x.name === 'dns4' || x.name === 'dns6')
    host = ip.value
  } catch {
    return false
  }
  if (host.includes(':')) {
    const h = host.toLowerCase()
    return !(h === '::' || h === '::1' || h.startsWith('fe80') || h.startsWith('fc') || h.startsWith('fd'))
  }
  const [a, b] = host.split('.').map(Number)
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false
  if (a === 169 && b === 254) return false
  if (a === 172 && b >= 16 && b <= 31) return false
  if (a === 192 && b === 168) return false
  if (a === 100 && b >= 64 && b <= 127) return false
  return true
}

/** Whether this peer serves relay, given its mode and listen addresses. */
export function servesRelay (init: ReachInit, listen: string[]): boolean {
  const mode = init.relayServer ?? 'auto'
  return mode === 'auto' ? listen.some(isPublicListen) : mode
}

/** Whether this peer reserves a slot on a relay, given its mode and listen addresses. */
export function reservesRelay (init: ReachInit, listen: string[]): boolean {
  const mode = init.relayReservation ?? 'auto'
  // a loopback-only peer (the default) has nobody to be reached by
  return mode === 'auto' ? !listen.some(isPublicListen) && listen.some(a => !/\/ip[46]\/(127\.|::1\/)/.test(a)) : mode
}
