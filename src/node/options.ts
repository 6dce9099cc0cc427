/**
 * What a node makes of its options before and while it runs: the quorums
 * (checked, unset ones a majority of n), the settings checked at
 * construction, the quorums again when the cluster's n is adopted, and the
 * host's discovery services. Every bad value is an InvalidArgumentError
 * before anything starts.
 */
import * as C from '../constants.js'
import { InvalidArgumentError } from '../errors.js'
import { mdnsServiceTag } from '../discovery/cluster-key.js'
import type { Quorums } from '../coordinator/coordinator.js'
import type { AdoptableSetting } from '../membership/params.js'
import type { HostInit } from '../host.js'
import type { NodeOptions } from '../node-types.js'

/** Unset quorums: a majority of n, so r + w > n (3/2/2, 1/1/1). */
export function majority (n: number): number {
  return Math.floor(n / 2) + 1
}

/** The node's quorums from its options, once every option a node checks at construction is checked. */
export function checkedQuorums (options: NodeOptions): Quorums {
  const n = options.n ?? C.DEFAULT_N
  const quorums = { n, r: options.r ?? majority(n), w: options.w ?? majority(n) }
  const { r, w } = quorums
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`n must be a whole number of at least 1, got ${n}`)
  if (!Number.isInteger(r) || r < 1 || r > n) throw new InvalidArgumentError(`r must be a whole number from 1 to n=${n}, got ${r}`)
  if (!Number.isInteger(w) || w < 1 || w > n) throw new InvalidArgumentError(`w must be a whole number from 1 to n=${n}, got ${w}`)
  const capacity = options.capacity
  if (capacity !== undefined && !(Number.isFinite(capacity) && capacity >= 0)) throw new InvalidArgumentError(`capacity must be a number of 0 or more, got ${capacity}`)
  for (const k of ['tombstoneGraceMs', 'tombstoneScanMs'] as const) {
    const v = options[k]
    if (v !== undefined && (!Number.isFinite(v) || v < (k === 'tombstoneScanMs' ? 1 : 0))) throw new InvalidArgumentError(`${k} must be a number of ms${k === 'tombstoneScanMs' ? ' above 0' : ', 0 or more'}, got ${v}`)
  }
  const every = options.fullAnnounceEvery
  if (every !== undefined && !(Number.isInteger(every) && every >= 1 && every <= 1000)) throw new InvalidArgumentError(`fullAnnounceEvery must be a whole number from 1 to 1000, got ${every}`)
  const refresh = options.bucketRefreshMs
  if (refresh !== undefined && !(Number.isFinite(refresh) && refresh >= 10)) throw new InvalidArgumentError(`bucketRefreshMs must be a number of ms, at least 10, got ${refresh}`)
  return quorums
}

/** The cluster's n was adopted: r and w this peer left unset follow it (in place: the coordinator holds the object). */
export function adoptN (quorums: Quorums, options: NodeOptions, n: number): void {
  quorums.n = n
  if (options.r === undefined) quorums.r = majority(n)
  if (options.w === undefined) quorums.w = majority(n)
}

/** Why the cluster's n cannot be adopted: it would leave a quorum this peer set above it. */
export function cannotAdopt (options: NodeOptions, values: Partial<Record<AdoptableSetting, number>>): string | undefined {
  const n = values.n
  if (n === undefined) return undefined
  for (const q of ['r', 'w'] as const) {
    const set = options[q]
    if (set !== undefined && set > n) return `cluster setting n=${n} cannot be adopted: this peer sets ${q}=${set}, above it`
  }
  return undefined
}

/** The host's discovery services for these options: the DHT unless turned off, mDNS when asked. */
export function discoveryHost (options: NodeOptions, cluster: string): Pick<HostInit, 'dht' | 'mdns'> {
  const o = options
  return {
    dht: o.dht === false ? undefined : { protocol: o.dhtProtocol ?? C.DEFAULT_DHT_PROTOCOL, clientMode: o.dhtClientMode },
    mdns: o.mdns === true ? { serviceTag: mdnsServiceTag(cluster), intervalMs: o.mdnsIntervalMs } : undefined
  }
}
