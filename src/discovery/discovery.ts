/**
 * How a peer finds its cluster, and finds a member again after it moved,
 * besides the bootstrap list (membership/connector.ts keeps dialling that):
 *
 * - the members it last knew, kept in its data dir (known-peers.ts), dialled
 *   with backoff while it is connected to no member: any member it ever saw
 *   can bootstrap it;
 * - kad-dht (dht-discovery.ts): members provide the cluster's key, a peer
 *   that is alone searches for it, and lost members are looked up by id;
 * - mDNS on the LAN (mdns-dialer.ts).
 *
 * What it dials joins through membership as any peer does: gossipsub
 * carries the announcements (with addresses) both ways.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import { Backoff } from './backoff.js'
import { DhtDiscovery } from './dht-discovery.js'
import { fingerprint, MAX_KNOWN_ADDRS, MAX_KNOWN_PEERS, saveKnownPeers } from './known-peers.js'
import { MdnsDialer } from './mdns-dialer.js'
import type { DhtStats } from './dht-discovery.js'
import type { KnownPeer } from './known-peers.js'
import type { Libp2p, Logger, PeerInfo } from '@libp2p/interface'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'
import type { Member } from '../membership/view.js'
import type { MetricsRegistry } from '../metrics.js'

export interface DiscoveryInit {
  libp2p: Libp2p
  cluster: string
  /** a protocol every member serves (an mDNS peer that does not is not one of ours) */
  protocol: string
  members: () => Member[]
  /** where the members last known are kept */
  datastore: Datastore
  /** the members known at the last run (loadKnownPeers) */
  remembered: KnownPeer[]
  periodMs: number
  log: Logger
  metrics: MetricsRegistry
  /** deadline of one DHT query (ms, default 10 s) */
  queryTimeoutMs?: number
  /** period of providing the cluster key again (ms, default 10 min) */
  provideEveryMs?: number
  /** period of a DHT search for members while connected to some (ms, default 5 min) */
  findEveryMs?: number
}

export interface DiscoveryStatus {
  dht: boolean
  mdns: boolean
  /** members kept in the data dir for the next start */
  remembered: number
  /** dials to remembered members that connected */
  rememberedDialled: number
  dhtStats?: DhtStats
  mdnsDialled: number
  mdnsRefused: number
}

/** members' addresses are saved at most this often */
const SAVE_EVERY_MS = 5_000

export class Discovery {
  private timer?: ReturnType<typeof setInterval>
  private readonly dht?: DhtDiscovery
  private readonly mdns?: MdnsDialer
  private readonly mdnsService?: EventTarget
  private readonly backoff = new Backoff(1_000, 30_000)
  private readonly dialling = new Set<string>()
  private remembered: KnownPeer[]
  private rememberedDialled = 0
  private savedPrint: string
  private lastSave = -Infinity
  private saving = false
  /** since when this peer has been connected to no live member (monotonic ms) */
  private unlinkedSince?: number
  private readonly onSelfUpdate = (): void => { this.dht?.addressesChanged(performance.now()) }

  constructor (private readonly init: DiscoveryInit) {
    const services = init.libp2p.services as { dht?: SingleKadDHT, mdns?: EventTarget }
    this.remembered = init.remembered
    this.savedPrint = fingerprint(init.remembered)
    if (services.dht !== undefined) {
      this.dht = new DhtDiscovery({
        libp2p: init.libp2p,
        dht: services.dht,
        cluster: init.cluster,
        log: init.log,
        metrics: init.metrics,
        queryTimeoutMs: init.queryTimeoutMs ?? 10_000,
        provideEveryMs: init.provideEveryMs ?? 10 * 60_000,
        findEveryMs: init.findEveryMs ?? 5 * 60_000
      })
    }
    if (services.mdns !== undefined) {
      this.mdnsService = services.mdns
      this.mdns = new MdnsDialer({ libp2p: init.libp2p, protocol: init.protocol, log: init.log, metrics: init.metrics, isMember: id => init.members().some(m => m.id === id) })
    }
    init.metrics.describe('meshkv_discovery_total', 'peers dialled by discovery (kind: remembered, provider, lookup, mdns, mdns-refused) and cluster keys provided (provide)')
  }

  start (): void {
    this.mdnsService?.addEventListener('peer', this.mdns?.onPeer as EventListener)
    this.init.libp2p.addEventListener('self:peer:update', this.onSelfUpdate)
    this.timer = setInterval(() => { this.tick() }, this.init.periodMs)
    this.tick()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    this.mdnsService?.removeEventListener('peer', this.mdns?.onPeer as EventListener)
    this.init.libp2p.removeEventListener('self:peer:update', this.onSelfUpdate)
    this.dht?.close()
    this.mdns?.close()
    await this.save()
  }

  status (): DiscoveryStatus {
    return {
      dht: this.dht !== undefined,
      mdns: this.mdns !== undefined,
      remembered: this.remembered.length,
      rememberedDialled: this.rememberedDialled,
      dhtStats: this.dht === undefined ? undefined : { ...this.dht.stats },
      mdnsDialled: this.mdns?.dialled ?? 0,
      mdnsRefused: this.mdns?.refused ?? 0
    }
  }

  private tick (): void {
    try {
      const now = performance.now()
      const members = this.init.members()
      const connected = new Set(this.init.libp2p.getConnections().map(c => c.remotePeer.toString()))
      // connected to a member that is not down: the cluster is reachable, gossip does the rest
      const linked = members.some(m => !m.self && m.state !== 'down' && connected.has(m.id))
      if (linked) this.unlinkedSince = undefined
      else this.unlinkedSince ??= now
      if (!linked) this.dialRemembered(now, connected)
      // alone for two periods (at least a second): what the bootstrap list and the remembered members gave did not do
      const alone = !linked && now - (this.unlinkedSince ?? now) >= Math.max(1_000, 2 * this.init.periodMs)
      this.dht?.tick(now, members, connected, alone)
      if (now - this.lastSave >= SAVE_EVERY_MS) void this.save()
    } catch (err) {
      this.init.log.error('discovery round failed: %s', (err as Error).message)
    }
  }

  private dialRemembered (now: number, connected: ReadonlySet<string>): void {
    for (const p of this.remembered) {
      if (connected.has(p.id) || this.dialling.has(p.id) || p.id === this.init.libp2p.peerId.toString() || !this.backoff.due(p.id, now)) continue
      this.dialling.add(p.id)
      void this.dialKnown(p).finally(() => { this.dialling.delete(p.id) })
    }
  }

  private async dialKnown (p: KnownPeer): Promise<void> {
    try {
      const id = peerIdFromString(p.id)
      const info: PeerInfo = { id, multiaddrs: p.addrs.map(a => multiaddr(a)) }
      await this.init.libp2p.peerStore.merge(id, { multiaddrs: info.multiaddrs })
      await this.init.libp2p.dial(id, { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) })
      this.backoff.reset(p.id)
      this.rememberedDialled++
      this.init.metrics.inc('meshkv_discovery_total', { kind: 'remembered' })
    } catch (err) {
      this.backoff.failed(p.id, performance.now())
      this.init.log('dialling remembered member %s failed: %s', p.id.slice(-8), (err as Error).message)
    }
  }

  /** Keep the members that are up, with their addresses, for the next start; never an empty list over a known one. */
  private async save (): Promise<void> {
    if (this.saving) return
    const up = this.init.members()
      .filter(m => !m.self && (m.state === 'up' || m.state === 'joining') && m.addrs.length > 0)
      .slice(0, MAX_KNOWN_PEERS)
      .map(m => ({ id: m.id, addrs: m.addrs.slice(0, MAX_KNOWN_ADDRS) }))
    if (up.length === 0) return
    const print = fingerprint(up)
    if (print === this.savedPrint) return
    this.saving = true
    this.lastSave = performance.now()
    try {
      await saveKnownPeers(this.init.datastore, up)
      this.savedPrint = print
      this.remembered = up
    } catch (err) {
      this.init.log('members not kept for the next start: %s', (err as Error).message)
    } finally {
      this.saving = false
    }
  }
}
