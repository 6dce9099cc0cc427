/** A browser has no mDNS (no UDP): asked for it, a browser peer runs without. */
import type { MdnsInit } from '../host.js'

export function mdnsService (_init: MdnsInit | undefined): Record<string, never> {
  return {}
}
