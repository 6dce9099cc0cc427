/**
 * The mDNS service for the host (Node: UDP multicast). A browser has no
 * UDP: its build swaps in mdns-service.browser.ts (package.json "browser"),
 * so multicast-dns and dgram never reach the bundle.
 */
import { mdns } from '@libp2p/mdns'
import type { MdnsInit } from '../host.js'

export function mdnsService (init: MdnsInit | undefined): { mdns?: ReturnType<typeof mdns> } {
  if (init === undefined) return {}
  return { mdns: mdns({ serviceTag: init.serviceTag, interval: init.intervalMs }) }
}
