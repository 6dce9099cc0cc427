/**
 * Membership over gossipsub: every peer publishes a signed heartbeat on the
 * cluster topic; the view (who is up) is fed by them and decides the ring.
 * It also keeps this peer connected to the bootstrap list and to members,
 * since libp2p's bootstrap discovery dials once and never retries.
 *
 * Nothing a heartbeat claims is trusted: it is parsed within bounds, its
 * cluster parameters must agree with ours (params.ts), and its ring tokens
 * must fit the budgets (token-budget.ts) before it reaches the view. A
 * refused peer is logged (rate-limited) and reported as a 'refused' event.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_MAX_DIALED_MEMBERS } from '../constants.js'
import { DialTargets } from './dial-targets.js'
import { Heartbeat, MemberStatus } from './pb/heartbeat.js'
import { MembershipView } from './view.js'
import { describeRefusal, judgeParams, RING_HASH } from './params.js'
import { claimedTokens, overBudget } from './token-budget.js'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
import type { AdoptableSetting, AnnouncedParams } from './params.js'
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
  /** this start's incarnation (incarnation.ts: persisted, only grows) */
  incarnation: number
  /** the cluster parameters this peer starts with; unset ones are adopted from the cluster */
  params: { n: number, tokensPerUnit: number, set: Record<AdoptableSetting, boolean> }
  /** why this peer cannot run with the cluster's values (say r above the cluster's n); undefined when it can */
  cannotAdopt?: (values: Partial<Record<AdoptableSetting, number>>) => string | undefined
}

/** A refused announcement, as the 'refused' event carries it. */
export interface RefusedPeer {
  peer: string
  reason: string
}

const MAX_ADDRS = 32
/** addresses, zone and the rest, plus 8 bytes for each token a member may announce */
const MAX_HEARTBEAT_BYTES = 16 * 1024 + MAX_TOKENS_PER_MEMBER * 9
const MAX_MEMBERS = 4096
/** the largest n a config may set (src/daemon/config-keys.ts) */
const MAX_N = 64
/** a refusal is logged at most once per peer and reason in this period */
const REFUSAL_LOG_MS = 60_000
const MAX_REFUSALS_TRACKED = 1024

export class Membership extends EventTarget {
  readonly view: MembershipView
  private timer?: ReturnType<typeof setInterval>
  private readonly dialing = new Set<string>()
  private readonly learned = new Map<string, string>()
  private readonly dialTargets: DialTargets
  private readonly incarnation: number
  private seq = 0
  private readonly params: AnnouncedParams
  private readonly refusals = new Map<string, number>()
  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    // a listener that throws would take the process down: nothing a peer sends may do that
    try {
      this.receive(evt.detail)
    } catch (err) {
      this.init.log.error('heartbeat from %s not handled: %s', evt.detail?.type === 'signed' ? evt.detail.from.toString() : 'unsigned', (err as Error).message)
    }
  }

  constructor (private readonly init: MembershipInit) {
    super()
    this.incarnation = init.incarnation
    this.params = { n: init.params.n, tokensPerUnit: init.params.tokensPerUnit, hash: RING_HASH, set: { ...init.params.set } }
    this.view = new MembershipView(this.selfInfo(false), Date.now(), {
      memberTimeoutMs: init.memberTimeoutMs,
      forgetAfterMs: Math.max(init.memberTimeoutMs * 60, 600_000),
      maxMembers: MAX_MEMBERS
    })
    this.dialTargets = new DialTargets(init.libp2p.peerId.toString())
    init.metrics.describe('meshkv_membership_heartbeats_total', 'heartbeats sent and received')
  }

  /** The cluster parameters this peer runs with now (after any adoption). */
  clusterParams (): Readonly<AnnouncedParams> {
    return this.params
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
      seq: this.seq,
      leaving
    }
  }

  private async publish (leaving: boolean): Promise<void> {
    this.seq++
    const self = this.selfInfo(leaving)
    this.view.updateSelf({ addrs: self.addrs, seq: self.seq })
    const p = this.params
    const data = Heartbeat.encode({
      peer: self.id,
      addrs: this.init.libp2p.getMultiaddrs().slice(0, MAX_ADDRS).map(a => a.bytes as Uint8Array<ArrayBuffer>),
      capacity: self.capacity,
      incarnation: self.incarnation,
      status: leaving ? MemberStatus.LEAVING : MemberStatus.UP,
      zone: self.zone ?? '',
      n: p.n,
      tokensPerUnit: p.tokensPerUnit,
      hash: p.hash,
      nSet: p.set.n,
      tokensPerUnitSet: p.set.tokensPerUnit,
      seq: self.seq,
      tokens: []
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
    const parsed = this.parse(msg)
    if (parsed === undefined) {
      this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'rejected' })
      return
    }
    const { hb, params } = parsed
    if (hb.id === this.init.libp2p.peerId.toString()) return
    const verdict = judgeParams(this.params, params)
    if (verdict.refuse !== undefined) {
      this.refuse(hb.id, describeRefusal(verdict.refuse))
      return
    }
    if (verdict.adopt.n !== undefined || verdict.adopt.tokensPerUnit !== undefined) {
      const why = this.cannotAdopt(verdict.adopt)
      if (why !== undefined) {
        this.refuse(hb.id, why)
        return
      }
      this.adopt(hb.id, verdict.adopt)
    }
    if (verdict.wait) return
    const others = this.view.all().reduce((sum, m) => m.id === hb.id || m.self ? sum : sum + claimedTokens(m, this.params.tokensPerUnit), 0)
    const self = this.view.get(this.init.libp2p.peerId.toString())
    const over = overBudget(hb, this.params.tokensPerUnit, others + (self === undefined ? 0 : claimedTokens(self, this.params.tokensPerUnit)))
    if (over !== undefined) {
      this.refuse(hb.id, over)
      return
    }
    this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'in' })
    // once it has a member, this peer has a cluster: its settings are the cluster's, no longer up for adoption
    this.params.set.n = true
    this.params.set.tokensPerUnit = true
    const isNew = this.view.get(hb.id) === undefined
    if (isNew || this.view.get(hb.id)?.state === 'down') {
      this.init.libp2p.peerStore.merge(peerIdFromString(hb.id), { multiaddrs: hb.addrs.map(a => multiaddr(a)) })
        .catch(err => { this.init.log('peer store merge failed: %s', (err as Error).message) })
    }
    if (this.view.heard(hb, Date.now())) this.changed()
  }

  private cannotAdopt (values: Partial<Record<AdoptableSetting, number>>): string | undefined {
    const tpu = values.tokensPerUnit
    if (tpu !== undefined && claimedTokens({ capacity: this.init.capacity }, tpu) > MAX_TOKENS_PER_MEMBER) {
      return `cluster setting tokensPerUnit=${tpu} cannot be adopted: this peer's capacity ${this.init.capacity} would be over ${MAX_TOKENS_PER_MEMBER} ring tokens`
    }
    return this.init.cannotAdopt?.(values)
  }

  /** Take the cluster's value of a setting this peer left unset; from now on it is settled. */
  private adopt (from: string, values: Partial<Record<AdoptableSetting, number>>): void {
    for (const [k, v] of Object.entries(values) as Array<[AdoptableSetting, number]>) {
      this.init.log('adopting the cluster\'s %s=%d (was %d, unset) from %s', k, v, this.params[k], from)
      this.params[k] = v
      this.params.set[k] = true
    }
    this.dispatchEvent(new CustomEvent('params', { detail: { ...values, from } }))
  }

  private refuse (peer: string, reason: string): void {
    this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'refused' })
    if (this.view.remove(peer)) this.changed()
    const key = `${peer} ${reason}`
    const now = Date.now()
    const last = this.refusals.get(key)
    if (last !== undefined && now - last < REFUSAL_LOG_MS) return
    if (this.refusals.size >= MAX_REFUSALS_TRACKED) {
      for (const [k, t] of this.refusals) if (now - t >= REFUSAL_LOG_MS) this.refusals.delete(k)
      if (this.refusals.size >= MAX_REFUSALS_TRACKED) this.refusals.clear()
    }
    this.refusals.set(key, now)
    this.init.log.error('refused peer %s: %s', peer, reason)
    this.dispatchEvent(new CustomEvent<RefusedPeer>('refused', { detail: { peer, reason } }))
  }

  /** A heartbeat from a hostile or broken peer is dropped, never trusted. */
  private parse (msg: Message): { hb: HeartbeatInfo, params: AnnouncedParams } | undefined {
    if (msg.type !== 'signed' || msg.data.byteLength > MAX_HEARTBEAT_BYTES) return undefined
    try {
      const hb = Heartbeat.decode(msg.data, { limits: { addrs: MAX_ADDRS, tokens: MAX_TOKENS_PER_MEMBER } })
      if (hb.peer !== msg.from.toString()) return undefined
      if (!Number.isFinite(hb.capacity) || hb.capacity <= 0 || hb.capacity > 1_000_000) return undefined
      if (!Number.isSafeInteger(hb.incarnation) || hb.incarnation < 0 || hb.zone.length > 64) return undefined
      if (!Number.isSafeInteger(hb.seq) || hb.seq < 0 || hb.hash.length > 64) return undefined
      // parameters a peer could adopt must be ones its own config could have set
      if (hb.n > MAX_N || hb.tokensPerUnit > MAX_TOKENS_PER_MEMBER) return undefined
      return {
        hb: {
          id: hb.peer,
          addrs: hb.addrs.map(a => multiaddr(a).toString()),
          capacity: hb.capacity,
          zone: hb.zone === '' ? undefined : hb.zone,
          incarnation: hb.incarnation,
          seq: hb.seq,
          tokens: hb.tokens.length > 0 ? hb.tokens : undefined,
          leaving: hb.status === MemberStatus.LEAVING
        },
        params: { n: hb.n, tokensPerUnit: hb.tokensPerUnit, hash: hb.hash, set: { n: hb.nSet, tokensPerUnit: hb.tokensPerUnitSet } }
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
