/**
 * Peers found by mDNS on the LAN. The service tag is the cluster's own
 * (cluster-key.ts), so only peers of a cluster of the same name answer; a
 * peer that answers and then neither serves the cluster's protocol nor
 * becomes a member within the deadline (another application on the tag, a
 * hash collision, a peer that never finishes starting) is hung up on and
 * not dialled again for a while. A peer answers as soon as its host starts,
 * before it serves anything, and identify may tell its protocols late on a
 * busy machine: hence the generous deadline and the membership check. Dials
 * are few at once and each has a deadline.
 */
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import type { Libp2p, Logger, PeerInfo } from '@libp2p/interface'
import type { MetricsRegistry } from '../metrics.js'

export interface MdnsDialerInit {
  libp2p: Libp2p
  /** a protocol every member of the cluster serves */
  protocol: string
  log: Logger
  metrics: MetricsRegistry
  /** whether a peer is a member of this peer's view (it proved itself on the cluster's topic) */
  isMember?: (id: string) => boolean
  /** how long a peer has to list the protocol (identify) or become a member after the dial (ms, default 30 s) */
  identifyTimeoutMs?: number
}

const MAX_DIALS = 4
const MAX_REFUSED = 256
const REFUSED_FOR_MS = 60_000

export class MdnsDialer {
  dialled = 0
  refused = 0
  private readonly dialling = new Set<string>()
  /** peer id -> until when it is not dialled again (monotonic ms) */
  private readonly shunned = new Map<string, number>()
  private readonly stop = new AbortController()

  constructor (private readonly init: MdnsDialerInit) {}

  close (): void {
    this.stop.abort()
  }

  readonly onPeer = (evt: CustomEvent<PeerInfo>): void => {
    const peer = evt.detail
    if (peer?.id === undefined) return
    const id = peer.id.toString()
    const { libp2p } = this.init
    if (this.stop.signal.aborted || id === libp2p.peerId.toString() || this.dialling.has(id) || this.dialling.size >= MAX_DIALS) return
    if (libp2p.getConnections(peer.id).length > 0) return
    const until = this.shunned.get(id)
    if (until !== undefined && performance.now() < until) return
    this.shunned.delete(id)
    this.dialling.add(id)
    void this.dial(peer).finally(() => { this.dialling.delete(id) })
  }

  private async dial (peer: PeerInfo): Promise<void> {
    const { libp2p, protocol, log } = this.init
    const id = peer.id.toString()
    try {
      await libp2p.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
      await libp2p.dial(peer.id, { signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS)]) })
    } catch (err) {
      log('dialling mDNS peer %s failed: %s', id.slice(-8), (err as Error).message)
      return
    }
    if (await this.serves(peer, protocol)) {
      this.dialled++
      this.init.metrics.inc('meshkv_discovery_total', { kind: 'mdns' })
      log('mDNS peer %s joined through the LAN', id)
      return
    }
    this.refused++
    this.init.metrics.inc('meshkv_discovery_total', { kind: 'mdns-refused' })
    log('mDNS peer %s does not serve %s: hanging up', id, protocol)
    if (this.shunned.size >= MAX_REFUSED) this.shunned.delete(this.shunned.keys().next().value as string)
    this.shunned.set(id, performance.now() + REFUSED_FOR_MS)
    await libp2p.hangUp(peer.id).catch(() => {})
  }

  /** whether identify says the peer serves `protocol`, within the deadline */
  private async serves (peer: PeerInfo, protocol: string): Promise<boolean> {
    const until = performance.now() + (this.init.identifyTimeoutMs ?? 30_000)
    while (!this.stop.signal.aborted) {
      if (this.init.isMember?.(peer.id.toString()) === true) return true
      try {
        const p = await this.init.libp2p.peerStore.get(peer.id)
        if (p.protocols.includes(protocol)) return true
      } catch {}
      if (performance.now() >= until) return false
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    return false
  }
}
