/**
 * The cluster on kad-dht. Members provide the cluster's key (cluster-key.ts),
 * so a peer that knows any one peer of the DHT, member or not, finds them
 * with findProviders; and a member that lost a peer (suspect or down, not
 * connected: restarted on a new port, moved to a new IP) looks its new
 * addresses up with findPeer, skipping the stale ones its peer store holds.
 * Every query has a deadline; at most one provide, one search and a few
 * lookups run at once, each retried with backoff.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import { Backoff } from './backoff.js'
import { clusterCid } from './cluster-key.js'
import type { Libp2p, Logger, PeerId, PeerInfo } from '@libp2p/interface'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import type { Member } from '../membership/view.js'
import type { MetricsRegistry } from '../metrics.js'

export interface DhtDiscoveryInit {
  libp2p: Libp2p
  dht: SingleKadDHT
  cluster: string
  log: Logger
  metrics: MetricsRegistry
  /** deadline of one DHT query (ms) */
  queryTimeoutMs: number
  /** period of providing the cluster key again (new addresses reach the DHT sooner: on every change) */
  provideEveryMs: number
  /** period of a search for members while this peer has some (heals a split); alone, it searches with backoff */
  findEveryMs: number
}

/** providers dialled from one search at most */
const MAX_DIALS_PER_SEARCH = 16
/** addresses taken from one answer to a lookup, and from all answers together */
const MAX_ADDRS_PER_ANSWER = 16
const MAX_ADDRS_PER_PEER = 64
/** a provide that failed is tried again after this (ms) */
const PROVIDE_RETRY_MS = 5_000
/** lookups of lost members at once */
const MAX_LOOKUPS = 2

export interface DhtStats {
  provided: number
  searches: number
  providersDialled: number
  lookups: number
  refound: number
}

export class DhtDiscovery {
  readonly stats: DhtStats = { provided: 0, searches: 0, providersDialled: 0, lookups: 0, refound: 0 }
  private readonly cid: CID
  private readonly backoff = new Backoff(1_000, 30_000)
  private readonly lookupBackoff = new Backoff(1_000, 60_000)
  private readonly lookups = new Set<string>()
  private providing = false
  private searching = false
  private nextProvide = 0
  private nextFind = 0
  private readonly stop = new AbortController()

  constructor (private readonly init: DhtDiscoveryInit) {
    this.cid = clusterCid(init.cluster)
  }

  close (): void {
    this.stop.abort()
  }

  /** this peer's addresses changed: provide again soon, so the DHT hands out the new ones */
  addressesChanged (now: number): void {
    this.nextProvide = Math.min(this.nextProvide, now + 1_000)
  }

  /**
   * One round: provide when due, search when alone (connected to no live
   * member for a while: a bootstrap dial in progress gets its chance first)
   * or when the slow period is due, look up lost members.
   */
  tick (now: number, members: Member[], connected: ReadonlySet<string>, alone: boolean): void {
    if (this.stop.signal.aborted) return
    this.provide(now)
    if (this.nextFind === 0) this.nextFind = now + this.init.findEveryMs
    if (alone ? this.backoff.due('search', now) : now >= this.nextFind) this.search(now, connected)
    this.lookUpLost(now, members, connected)
  }

  private signal (): AbortSignal {
    return AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.init.queryTimeoutMs)])
  }

  private provide (now: number): void {
    // with no peer in the routing table a provide has nobody to tell; kad-dht would wait for one
    if (this.providing || now < this.nextProvide || this.init.dht.routingTable.size === 0) return
    this.providing = true
    void (async () => {
      try {
        for await (const _ of this.init.dht.provide(this.cid, { signal: this.signal() })) { /* progress events */ }
        this.stats.provided++
        this.init.metrics.inc('meshkv_discovery_total', { kind: 'provide' })
        this.nextProvide = performance.now() + this.init.provideEveryMs
      } catch (err) {
        this.init.log('providing the cluster key failed: %s', (err as Error).message)
        this.nextProvide = performance.now() + PROVIDE_RETRY_MS
      } finally {
        this.providing = false
      }
    })()
  }

  private search (now: number, connected: ReadonlySet<string>): void {
    if (this.searching) return
    this.searching = true
    this.stats.searches++
    this.nextFind = now + this.init.findEveryMs
    const self = this.init.libp2p.peerId.toString()
    void (async () => {
      const dialled = new Set<string>()
      try {
        for await (const evt of this.init.dht.findProviders(this.cid, { signal: this.signal() })) {
          if (evt.name !== 'PROVIDER') continue
          for (const p of evt.providers) {
            const id = p.id.toString()
            if (id === self || connected.has(id) || dialled.has(id) || dialled.size >= MAX_DIALS_PER_SEARCH) continue
            dialled.add(id)
            void this.dial(p, 'provider')
          }
        }
      } catch (err) {
        this.init.log('searching the DHT for members failed: %s', (err as Error).message)
      } finally {
        this.searching = false
        if (dialled.size > 0) this.backoff.reset('search')
        else this.backoff.failed('search', performance.now())
      }
    })()
  }

  private lookUpLost (now: number, members: Member[], connected: ReadonlySet<string>): void {
    const lost = members.filter(m => !m.self && (m.state === 'suspect' || m.state === 'down') && m.left !== true && !connected.has(m.id))
    this.lookupBackoff.retain(new Set(lost.map(m => m.id)))
    for (const m of lost) {
      if (this.lookups.size >= MAX_LOOKUPS) break
      if (this.lookups.has(m.id) || !this.lookupBackoff.due(m.id, now)) continue
      this.lookups.add(m.id)
      void this.lookUp(m.id).finally(() => { this.lookups.delete(m.id) })
    }
  }

  /** findPeer past the peer store (useCache false: it holds the addresses that stopped working) */
  private async lookUp (id: string): Promise<void> {
    this.stats.lookups++
    this.init.log('looking %s up on the DHT', id.slice(-8))
    let peerId: PeerId
    try {
      peerId = peerIdFromString(id)
    } catch {
      return
    }
    try {
      // every answer counts: a peer that never saw it move answers with the stale addresses, one it dialled with the new
      const addrs = new Map<string, Multiaddr>()
      for await (const evt of this.init.dht.findPeer(peerId, { useCache: false, signal: this.signal() })) {
        if (evt.name !== 'FINAL_PEER') continue
        for (const a of evt.peer.multiaddrs.slice(0, MAX_ADDRS_PER_ANSWER)) if (addrs.size < MAX_ADDRS_PER_PEER) addrs.set(a.toString(), a)
      }
      const found: PeerInfo = { id: peerId, multiaddrs: [...addrs.values()] }
      if (addrs.size === 0 || !(await this.dial(found, 'lookup'))) {
        this.lookupBackoff.failed(id, performance.now())
        return
      }
      this.stats.refound++
      this.lookupBackoff.reset(id)
      this.init.log('found %s again at %s', id, found.multiaddrs.map(a => a.toString()).join(' '))
    } catch (err) {
      this.lookupBackoff.failed(id, performance.now())
      this.init.log('looking up %s on the DHT failed: %s', id.slice(-8), (err as Error).message)
    }
  }

  private async dial (peer: PeerInfo, why: 'provider' | 'lookup'): Promise<boolean> {
    const { libp2p } = this.init
    try {
      if (peer.multiaddrs.length > 0) await libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
      await libp2p.dial(peer.id, { signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS)]) })
      if (why === 'provider') this.stats.providersDialled++
      this.init.metrics.inc('meshkv_discovery_total', { kind: why })
      return true
    } catch (err) {
      this.init.log('dialling %s (%s) failed: %s', peer.id.toString().slice(-8), why, (err as Error).message)
      return false
    }
  }
}
