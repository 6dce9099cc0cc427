/** libp2p transports for Node; the browser build swaps in transports.browser.ts. */
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { Libp2pInit } from 'libp2p'

export function transports (): NonNullable<Libp2pInit['transports']> {
  return [tcp(), webSockets()]
}

/** Host settings of this platform beyond its transports: none in Node. */
export function platformHost (): Partial<Pick<Libp2pInit, 'connectionGater'>> {
  return {}
}

/** Loopback by default: a new user's peer is not reachable from the network until configured. */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
