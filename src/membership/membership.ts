/**
 * Membership over gossipsub: every peer publishes a signed heartbeat on the
 * cluster topic; the view (who is up) is fed by them and decides the ring.
 * It also keeps this peer connected to the bootstrap list and to members,
 * since libp2p's bootstrap discovery dials once and never retries.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_MAX_DIALED_MEMBERS } from '../constants.js'
import { DialTargets } from './dial-targets.js'
import { Heartbeat, MemberStatus } from './pb/heartbeat.js'
import { MembershipView } from './view.js'
import type { HeartbeatInfo, Member } from './view.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { MetricsRegistry } from '../metrics.js'

export interface MembershipInit {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  topic: string
  capacity: number
  zone?: string
  bootstrap: Multiaddr[]
  heartbeatMs: number
  memberTimeoutMs: number
  log: Logger
  metrics: MetricsRegistry
  /** most connections this peer dials on its own to members (others may still dial it) */
  maxDialedMembers?: number
}

const MAX_HEARTBEAT_BYTES = 16 * 1024
const MAX_ADDRS = 32
const MAX_MEMBERS = 4096

export class Membership extends EventTarget {
  readonly view: MembershipView
  private timer?: ReturnType<typeof setInterval>
  private readonly dialing = new Set<string>()
  private readonly learned = new Map<string, string>()
  private readonly dialTargets: DialTargets
  private readonly incarnation = Date.now()
  private readonly onMessage = (evt: CustomEvent<Message>): void => { this.receive(evt.detail) }

  constructor (private readonly init: MembershipInit) {
    super()
    this.view = new MembershipView(this.selfInfo(false), Date.now(), {
      memberTimeoutMs: init.memberTimeoutMs,
      forgetAfterMs: Math.max(init.memberTimeoutMs * 60, 600_000),
      maxMembers: MAX_MEMBERS
    })
    this.dialTargets = new DialTargets(init.libp2p.peerId.toString())
    init.metrics.describe('meshkv_membership_heartbeats_total', 'heartbeats sent and received')
  }

  start (): void {
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.subscribe(this.init.topic)
    pubsub.addEventListener('message', this.onMessage)
    this.timer = setInterval(() => { this.tick() }, this.init.heartbeatMs)
    this.tick()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.unsubscribe(this.init.topic)
  }

  /** Announce that this peer is leaving, so others take it out of their rings at once. */
  async announceLeaving (): Promise<void> {
    this.view.updateSelf({ leaving: true })
    await this.publish(true)
  }

  members (): Member[] {
    return this.view.all()
  }

  private tick (): void {
    if (this.view.expire(Date.now())) this.changed()
    void this.publish(false)
    this.keepConnected()
  }

  private selfInfo (leaving: boolean): HeartbeatInfo {
    const { libp2p, capacity, zone } = this.init
    return {
      id: libp2p.peerId.toString(),
      addrs: libp2p.getMultiaddrs().map(a => a.toString()).slice(0, MAX_ADDRS),
      capacity,
      zone,
      incarnation: this.incarnation,
      leaving
    }
  }

  private async publish (leaving: boolean): Promise<void> {
    const self = this.selfInfo(leaving)
    this.view.updateSelf({ addrs: self.addrs })
    const data = Heartbeat.encode({
      peer: self.id,
      addrs: this.init.libp2p.getMultiaddrs().slice(0, MAX_ADDRS).map(a => a.bytes as Uint8Array<ArrayBuffer>),
      capacity: self.capacity,
      incarnation: self.incarnation,
      status: leaving ? MemberStatus.LEAVING : MemberStatus.UP,
      zone: self.zone ?? ''
    })
    try {
      await this.init.libp2p.services.pubsub.publish(this.init.topic, data)
      this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'out' })
    } catch (err) {
      this.init.log('heartbeat not published: %s', (err as Error).message)
    }
  }

  private receive (msg: Message): void {
    if (msg.topic !== this.init.topic) return
    const hb = this.parse(msg)
    if (hb === undefined) {
      this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'rejected' })
      return
    }
    this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'in' })
    const isNew = this.view.get(hb.id) === undefined
    if (isNew || this.view.get(hb.id)?.state === 'down') {
      this.init.libp2p.peerStore.merge(peerIdFromString(hb.id), { multiaddrs: hb.addrs.map(a => multiaddr(a)) })
        .catch(err => { this.init.log('peer store merge failed: %s', (err as Error).message) })
    }
    if (this.view.heard(hb, Date.now())) this.changed()
  }

  /** A heartbeat from a hostile or broken peer is dropped, never trusted. */
  private parse (msg: Message): HeartbeatInfo | undefined {
    if (msg.type !== 'signed' || msg.data.byteLength > MAX_HEARTBEAT_BYTES) return undefined
    try {
      const hb = Heartbeat.decode(msg.data, { limits: { addrs: MAX_ADDRS } })
      if (hb.peer !== msg.from.toString()) return undefined
      if (!Number.isFinite(hb.capacity) || hb.capacity <= 0 || hb.capacity > 1_000_000) return undefined
      if (!Number.isFinite(hb.incarnation) || hb.zone.length > 64) return undefined
      return {
        id: hb.peer,
        addrs: hb.addrs.map(a => multiaddr(a).toString()),
        capacity: hb.capacity,
        zone: hb.zone === '' ? undefined : hb.zone,
        incarnation: hb.incarnation,
        leaving: hb.status === MemberStatus.LEAVING
      }
    } catch {
      return undefined
    }
  }

  private changed (): void {
    this.dispatchEvent(new Event('change'))
  }

  private keepConnected (): void {
    const { libp2p } = this.init
    const connected = new Set(libp2p.getConnections().map(c => c.remotePeer.toString()))
    const targets: Array<{ key: string, dial: () => Promise<unknown> }> = []
    const self = libp2p.peerId.toString()
    for (const ma of this.init.bootstrap) {
      const addr = ma.toString()
      // a bootstrap address may omit /p2p/<id>: the id is learned on the first dial
      const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value ?? this.learned.get(addr)
      if (id === self || (id !== undefined && connected.has(id))) continue
      targets.push({
        key: addr,
        dial: async () => {
          const conn = await libp2p.dial(ma, { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) })
          this.learned.set(addr, conn.remotePeer.toString())
        }
      })
    }
    const live = this.view.live().map(m => m.id)
    for (const id of this.dialTargets.due(live, connected, this.init.maxDialedMembers ?? DEFAULT_MAX_DIALED_MEMBERS)) {
      targets.push({ key: id, dial: async () => libp2p.dial(peerIdFromString(id), { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) }) })
    }
    for (const t of targets) {
      if (this.dialing.has(t.key)) continue
      this.dialing.add(t.key)
      t.dial()
        .catch(err => { this.init.log('dial %s failed: %s', t.key.slice(-8), (err as Error).message) })
        .finally(() => { this.dialing.delete(t.key) })
    }
  }
}
