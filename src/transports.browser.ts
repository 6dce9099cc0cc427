/**
 * libp2p transports for a browser tab, swapped in for transports.ts by
 * package.json's `browser` field (as helia does): WebSockets to daemons,
 * WebRTC to other tabs, and circuit relay v2, through which a tab reserves
 * a slot on a daemon and other tabs signal their WebRTC connections to it.
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import type { Libp2pInit } from 'libp2p'

export function transports (): NonNullable<Libp2pInit['transports']> {
  return [webSockets(), webRTC(), circuitRelayTransport()]
}

/**
 * libp2p's browser default refuses to dial plain ws:// and private
 * addresses; a page served by a daemon on a LAN or on loopback reaches that
 * daemon exactly so. Which peers a tab talks to is the cluster's business.
 */
export function platformHost (): Partial<Pick<Libp2pInit, 'connectionGater'>> {
  return { connectionGater: { denyDialMultiaddr: () => false } }
}

/** A tab listens for nothing itself: a relay slot (`/p2p-circuit`), and WebRTC signalled through it. */
export const DEFAULT_LISTEN = ['/p2p-circuit', '/webrtc']
