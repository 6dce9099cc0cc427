/**
 * The cluster's DHT for the host (Node). A server by default, and explicitly
 * so: kad-dht's automatic mode waits for a public address, and peers on a
 * LAN or on one host never get one. Addresses pass unfiltered: private and
 * loopback ones are how peers of a LAN (or a test) reach each other, and a
 * dialler tries the others too. A browser tab finds the cluster through its
 * page's bootstrap list: its build swaps in dht-service.browser.ts
 * (package.json "browser"), so kad-dht never reaches the bundle.
 */
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import type { DhtInit } from '../host.js'

export function dhtService (init: DhtInit | undefined): { dht?: ReturnType<typeof kadDHT> } {
  if (init === undefined) return {}
  return { dht: kadDHT({ protocol: init.protocol, clientMode: init.clientMode ?? false, peerInfoMapper: passthroughMapper }) }
}
