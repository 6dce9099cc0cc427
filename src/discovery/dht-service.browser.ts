/** A browser tab runs no DHT: it finds the cluster through its page's bootstrap list (its node is made with `dht: false`). */
import type { DhtInit } from '../host.js'

export function dhtService (_init: DhtInit | undefined): Record<string, never> {
  return {}
}
