/**
 * Upgrades a relayed connection to a direct WebRTC one. DCUtR punches TCP
 * holes, which fails through two NATs that rewrite ports (Node's TCP cannot
 * dial from its listening port, so the port a NAT maps for the dial is not
 * the one the peer learns); WebRTC punches UDP holes, which endpoint-
 * independent NATs (Linux MASQUERADE, most home routers) let through.
 *
 * libp2p dials relay addresses last and keeps the first connection it gets,
 * so nothing dials a peer's `/p2p-circuit/webrtc` address on its own once a
 * plain relayed connection is up: when identify over a relayed connection
 * this peer opened shows such an address, this dials it, and once the direct
 * connection is up, closes the relayed one (its streams reopen on the direct
 * connection). One attempt per peer at a time, each with a deadline; a peer
 * whose attempt failed is tried again by a sweep every `retryMs` (a path
 * that was blocked may have opened), and the map of those is bounded by the
 * connected peers.
 */
import { pingOn } from './open-stream.js'
import { DIRECT_UPGRADE_RETRY_MS, DIRECT_UPGRADE_TIMEOUT_MS } from '../constants.js'
import type { Connection, IdentifyResult, Libp2p, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const WEBRTC_VIA_RELAY = /\/p2p-circuit\/webrtc(\/|$)/
const PROBE_TIMEOUT_MS = 5_000

export interface DirectUpgradeStats {
  attempts: number
  upgraded: number
  failed: number
  /** how long the last successful upgrade took, from its dial to the direct connection (ms) */
  lastUpgradeMs?: number
}

export class DirectUpgrade {
  readonly stats: DirectUpgradeStats = { attempts: 0, upgraded: 0, failed: 0 }
  private readonly busy = new Set<string>()
  private readonly failedAt = new Map<string, number>()
  /** ids of direct connections that answered a ping, bounded by the open connections (pruned each sweep) */
  private readonly verified = new Set<string>()
  private readonly onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    this.consider(evt.detail.connection, evt.detail.listenAddrs)
  }

  private timer?: ReturnType<typeof setInterval>
  private sweeping = false
  /** a WebRTC connection is checked as soon as it opens: kv would pick it over the relayed one */
  private readonly onOpen = (evt: CustomEvent<Connection>): void => {
    const c = evt.detail
    if (c.limits !== undefined || !c.remoteAddr.toString().includes('/webrtc')) return
    // libp2p keeps the RTCPeerConnection on the connection's multiaddr connection (not on its typed API)
    const ice = (c as unknown as { maConn?: { peerConnection?: { connectionState?: string } } }).maConn?.peerConnection?.connectionState
    if (ice !== undefined && ice !== 'connected') {
      this.log('the WebRTC connection to %p opened with ICE %s: aborting it', c.remotePeer, ice)
      c.abort(new Error(`a WebRTC connection whose ICE is ${ice}`))
      return
    }
    void this.answers(c).then(ok => {
      if (ok) {
        this.verified.add(c.id)
        for (const r of this.libp2p.getConnections(c.remotePeer)) if (r.limits !== undefined) void this.closeIfReplaced(r)
      } else if (c.status === 'open') {
        this.log('the WebRTC connection to %p does not carry streams: aborting it', c.remotePeer)
        c.abort(new Error('a WebRTC connection that does not carry streams'))
      }
    })
  }

  constructor (private readonly libp2p: Libp2p, private readonly log: Logger, private readonly retryMs = DIRECT_UPGRADE_RETRY_MS) {}

  /** whether a direct connection answered a ping on itself */
  isVerified (connectionId: string): boolean {
    return this.verified.has(connectionId)
  }

  start (): void {
    this.libp2p.addEventListener('peer:identify', this.onIdentify)
    this.libp2p.addEventListener('connection:open', this.onOpen)
    this.timer = setInterval(() => { void this.sweep() }, this.retryMs)
  }

  stop (): void {
    this.libp2p.removeEventListener('peer:identify', this.onIdentify)
    this.libp2p.removeEventListener('connection:open', this.onOpen)
    clearInterval(this.timer)
  }

  /** close relayed connections a direct one replaced; try again the upgrades that failed */
  private async sweep (): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      await this.sweepOnce()
    } finally {
      this.sweeping = false
    }
  }

  private async sweepOnce (): Promise<void> {
    const open = this.libp2p.getConnections()
    const ids = new Set(open.map(c => c.id))
    for (const id of this.verified) if (!ids.has(id)) this.verified.delete(id)
    for (const c of open.filter(c => c.limits !== undefined)) {
      if (await this.closeIfReplaced(c)) continue
      if (c.direction !== 'outbound') continue
      try {
        const peer = await this.libp2p.peerStore.get(c.remotePeer)
        this.consider(c, peer.addresses.map(a => a.multiaddr))
      } catch {}
    }
  }

  /**
   * Close `relayed` when a direct connection to its peer is open (made here,
   * by the peer, or by libp2p's own dial of a WebRTC address) and answers a
   * ping on itself; its streams reopen on the direct one. A WebRTC
   * connection whose signalling ended before ICE connected is handed up by
   * libp2p all the same, and carries nothing: one that does not answer is
   * aborted, and the relayed one kept.
   */
  private async closeIfReplaced (relayed: Connection): Promise<boolean> {
    const direct = this.libp2p.getConnections(relayed.remotePeer).filter(c => c.limits === undefined && c.status === 'open')
    let working: Connection | undefined
    for (const c of direct) {
      if (this.verified.has(c.id) || await this.answers(c)) {
        this.verified.add(c.id)
        working = c
        break
      }
      this.log('the direct connection to %p over %a does not carry streams: aborting it', c.remotePeer, c.remoteAddr)
      c.abort(new Error('a direct connection that does not carry streams'))
    }
    if (working === undefined) return false
    if (relayed.status === 'open') {
      this.log('closing the relayed connection to %p: direct over %a', relayed.remotePeer, working.remoteAddr)
      relayed.close({ signal: AbortSignal.timeout(DIRECT_UPGRADE_TIMEOUT_MS) }).catch(err => { relayed.abort(err) })
    }
    return true
  }

  /** whether a ping on `c` itself comes back */
  private async answers (c: Connection): Promise<boolean> {
    try {
      await pingOn(c, AbortSignal.timeout(PROBE_TIMEOUT_MS))
      return true
    } catch {
      return false
    }
  }

  private consider (relayed: Connection, addrs: Multiaddr[]): void {
    // the side that opened the relayed connection upgrades it: not both at once
    if (relayed.limits === undefined || relayed.direction !== 'outbound' || relayed.status !== 'open') return
    const peer = relayed.remotePeer
    const id = peer.toString()
    if (this.busy.has(id) || this.libp2p.getConnections(peer).some(c => c.limits === undefined && this.verified.has(c.id))) return
    const failed = this.failedAt.get(id)
    if (failed !== undefined && Date.now() - failed < this.retryMs / 2) return
    const target = addrs.find(a => WEBRTC_VIA_RELAY.test(a.toString()))
    if (target === undefined) {
      this.log.trace('%p has no WebRTC address among %d', peer, addrs.length)
      return
    }
    const ma = target.toString().endsWith(`/p2p/${id}`) ? target : target.encapsulate(`/p2p/${id}`)
    this.busy.add(id)
    this.stats.attempts++
    const started = Date.now()
    this.libp2p.dial(ma, { signal: AbortSignal.timeout(DIRECT_UPGRADE_TIMEOUT_MS), force: true })
      .then(async direct => {
        // a dial of this peer already under way (libp2p's own) is joined, and may end relayed: the sweep tries again
        if (direct.limits !== undefined) throw new Error('joined a dial that ended relayed')
        if (!await this.closeIfReplaced(relayed)) throw new Error('the WebRTC connection carries no streams')
        this.stats.upgraded++
        this.stats.lastUpgradeMs = Date.now() - started
        this.failedAt.delete(id)
        this.log('relayed connection to %p upgraded to direct %a in %d ms', peer, direct.remoteAddr, this.stats.lastUpgradeMs)
      })
      .catch(err => {
        this.stats.failed++
        this.failedAt.set(id, Date.now())
        this.log('WebRTC upgrade of the relayed connection to %p failed: %s', peer, (err as Error).message)
      })
      .finally(() => {
        this.busy.delete(id)
        // forget peers no longer connected: the map stays bounded by the connections
        const connected = new Set(this.libp2p.getConnections().map(c => c.remotePeer.toString()))
        for (const k of this.failedAt.keys()) if (!connected.has(k)) this.failedAt.delete(k)
      })
  }
}
