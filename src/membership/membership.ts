/**
 * Membership over gossipsub, with failure detection decided locally.
 *
 * - Each peer publishes its announcement (announcer.ts) at a slow period
 *   that grows with the cluster (announce-schedule.ts; its tokens as a
 *   digest then, token-digest.ts), on every change of its own state, soon
 *   after it hears a member it did not know, and soon after it hears a
 *   member whose filter says it has not heard this one, or not its
 *   current tokens (so a joiner learns the cluster in a round, not in a
 *   period, even when announcements were lost while its gossipsub mesh
 *   formed; only the missing members answer), and soon after it hears a
 *   peer on defaults that differ from its settings (a joiner, or a known
 *   member restarted without them), so it can adopt them. A new topic subscriber
 *   prompts an announcement only when it is not a live member settled in
 *   its state: connections come and go all the time (probes, the
 *   connection manager), and an announcement broadcast for each would make
 *   every peer's cost grow with the cluster. In a closed cluster, a
 *   subscriber admission does not admit (yet) prompts one at most every 10
 *   probe periods, so an outsider toggling its subscription cannot make
 *   members broadcast.
 * - Liveness comes from direct pings to a bounded set of members
 *   (watch-set.ts, prober.ts), each judged by a phi-accrual detector: above
 *   `phiThreshold` this peer reports the member suspect on the topic; a
 *   suspect that does not refute within `memberTimeoutMs` is down, and its
 *   reporter says so too. A peer that hears itself reported refutes with a
 *   newer announcement (SWIM).
 * - Announcements heard go through announcement-intake.ts (parsed within
 *   bounds, settings judged, budgets checked, tokens resolved) before they
 *   reach the view.
 *
 * It also keeps this peer connected to the bootstrap list and to some
 * members (connector.ts). All timing is monotonic (performance.now()): a
 * wall-clock step changes nothing.
 */
import { DEFAULT_MAX_DIALED_MEMBERS } from '../constants.js'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
import { pingPeer } from '../reach/open-stream.js'
import { MAX_ADDRS } from './announcement.js'
import { AnnouncementIntake } from './announcement-intake.js'
import { AnnounceSchedule } from './announce-schedule.js'
import { Announcer } from './announcer.js'
import { LocalHealth } from './local-health.js'
import { Connector } from './connector.js'
import { RateLimitedLog } from './rate-limited-log.js'
import { RING_HASH } from './params.js'
import { MembershipMessage, ReportedState } from './pb/heartbeat.js'
import { Prober } from './prober.js'
import { MembershipView } from './view.js'
import { DEFAULT_WATCH, watchSet } from './watch-set.js'
import type { AdoptableSetting, AnnouncedParams } from './params.js'
import type { Report as WireReport } from './pb/heartbeat.js'
import type { Member, Report } from './view.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, Logger } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { MetricsRegistry } from '../metrics.js'

export type { RefusedPeer } from './announcement-intake.js'

export interface MembershipInit {
  libp2p: Libp2p<{ pubsub: GossipSub, ping: Ping }>
  topic: string
  capacity: number
  zone?: string
  bootstrap: Multiaddr[]
  /** probe period: each watched member is pinged this often (ms) */
  heartbeatMs: number
  /** how long a suspect member has to refute before it is down (ms) */
  memberTimeoutMs: number
  /** period of the full announcement that heals missed messages (ms) */
  announceMs: number
  /** one periodic announcement in this many carries the tokens (Announcer's default when unset) */
  fullAnnounceEvery?: number
  /** phi above which a watched member is reported suspect */
  phiThreshold: number
  log: Logger
  metrics: MetricsRegistry
  /** most members this peer picks to dial on its own besides its ring neighbours (others may still dial it) */
  maxDialedMembers?: number
  /** this start's incarnation (incarnation.ts: persisted, only grows) */
  incarnation: number
  /** the cluster parameters this peer starts with; unset ones are adopted from the cluster */
  params: { n: number, tokensPerUnit: number, set: Record<AdoptableSetting, boolean> }
  /** why this peer cannot run with the cluster's values (say r above the cluster's n); undefined when it can */
  cannotAdopt?: (values: Partial<Record<AdoptableSetting, number>>) => string | undefined
  /** this peer's ring tokens, announced in full announcements (absent: derived from its id) */
  tokens?: readonly bigint[]
  /** start as a joining member (announced JOINING, holding no ring positions) until announceUp() */
  joining?: boolean
  /** this peer's membership certificate, carried in its announcements (src/admission/) */
  certificate?: Uint8Array<ArrayBuffer>
  /**
   * Hear the cluster but publish nothing: a peer of capacity 0 (a browser
   * tab, by default) coordinates with the cluster's view and is no member of
   * it (others would refuse its capacity anyway)
   */
  observer?: boolean
  /** whether admission still admits a peer: one revoked after its announcement was checked stays out of the view */
  admitted?: (peer: string) => boolean
  /** keys in this peer's store now, said in its announcements (GET /members, the web view); undefined while unknown */
  keysHeld?: () => number | undefined
}

/** A member as status shows it: the view's record plus this peer's phi for it, when it watches it. */
export type MemberStatusInfo = Member & { phi?: number }

/** addresses, zone and the rest, plus 9 bytes (tag and value) for each token a member may announce */
const MAX_MESSAGE_BYTES = 16 * 1024 + MAX_TOKENS_PER_MEMBER * 9
const MAX_MEMBERS = 4096
/** probe rounds between changes of the random part of the watch set */
const EPOCH_ROUNDS = 30
/** a member in one state for this many probe periods has heard this peer: its new connection prompts no announcement */
const SETTLED_PERIODS = 30
/** a subscriber admission does not admit prompts an announcement at most once in this many probe periods */
const STRANGER_PROMPT_PERIODS = 10

export class Membership extends EventTarget {
  readonly view: MembershipView
  private timer?: ReturnType<typeof setInterval>
  private readonly connector: Connector
  private readonly prober: Prober
  private readonly selfId: string
  private readonly incarnation: number
  private readonly params: AnnouncedParams
  /** members this peer reported suspect, with the stamp it reported */
  private readonly suspected = new Map<string, Report>()
  private round = 0
  private readonly schedule: AnnounceSchedule
  private readonly announcer: Announcer
  private readonly intake: AnnouncementIntake
  private readonly strangerPrompts: RateLimitedLog
  private lastRefute = -Infinity
  private lastTick = -Infinity
  /** until then this peer's own event loop is lagging: its probes' silence says more about it than about them */
  private overloadedUntil = -Infinity
  /** Lifeguard's local health: while this peer shows signs of being the slow one, it needs more evidence to accuse */
  private readonly health = new LocalHealth()
  private probesAtLastTick = { answered: 0, failed: 0 }
  /** a peer newly subscribed to the topic (a joiner, or a peer this one just connected to) hears this one's announcement within a round */
  private readonly onSubscription = (evt: CustomEvent<{ peerId?: { toString: () => string }, subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    if (evt.detail?.subscriptions?.some(s => s.topic === this.init.topic && s.subscribe) !== true) return
    const id = evt.detail.peerId?.toString() ?? ''
    const known = this.view.get(id)
    // a member in the same state for a while has heard this peer's announcements; a newcomer (or one just back) may not have
    const settled = known !== undefined && known.state !== 'down' && performance.now() - known.since > SETTLED_PERIODS * this.init.heartbeatMs
    if (settled) return
    // in a closed cluster, a peer admission does not admit (a joiner not heard yet, or an outsider
    // toggling its subscription to make every member broadcast) prompts one announcement a while at most
    if (this.init.admitted?.(id) === false && !this.strangerPrompts.due(id, performance.now())) return
    this.announceSoon(0, 'subscriber')
  }

  /**
   * This peer's addresses changed (a relay reservation behind a NAT or in a
   * browser tab, an address AutoNAT verified): announced now, not at the next
   * period, so members can dial it by them (a tab's /p2p-circuit/webrtc address).
   */
  private readonly onSelfUpdate = (): void => {
    const addrs = this.init.libp2p.getMultiaddrs().map(a => a.toString()).slice(0, MAX_ADDRS)
    if (addrs.join(' ') !== this.view.get(this.selfId)?.addrs.join(' ')) this.announceSoon(0, 'moved')
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    // a listener that throws would take the process down: nothing a peer sends may do that
    try {
      this.receive(evt.detail)
    } catch (err) {
      this.init.log.error('membership message from %s not handled: %s', evt.detail?.type === 'signed' ? evt.detail.from.toString() : 'unsigned', (err as Error).message)
    }
  }

  constructor (private readonly init: MembershipInit) {
    super()
    this.selfId = init.libp2p.peerId.toString()
    this.incarnation = init.incarnation
    this.params = { n: init.params.n, tokensPerUnit: init.params.tokensPerUnit, hash: RING_HASH, set: { ...init.params.set } }
    this.schedule = new AnnounceSchedule(init.announceMs)
    this.announcer = new Announcer({
      libp2p: init.libp2p,
      topic: init.topic,
      selfId: this.selfId,
      capacity: init.capacity,
      zone: init.zone,
      keysHeld: init.keysHeld,
      incarnation: init.incarnation,
      view: () => this.view,
      schedule: this.schedule,
      params: this.params,
      certificate: init.certificate,
      observer: init.observer === true,
      fullEvery: init.fullAnnounceEvery,
      metrics: init.metrics,
      log: init.log
    }, init.tokens ?? [])
    this.view = new MembershipView(this.announcer.selfInfo(false), performance.now(), {
      suspectTimeoutMs: init.memberTimeoutMs,
      staleAfterMs: this.staleAfterMs(),
      forgetAfterMs: Math.max(init.memberTimeoutMs * 60, 600_000),
      maxMembers: MAX_MEMBERS
    })
    this.intake = new AnnouncementIntake({
      libp2p: init.libp2p,
      view: this.view,
      params: this.params,
      capacity: init.capacity,
      heartbeatMs: init.heartbeatMs,
      maxMembers: MAX_MEMBERS,
      selfKey: () => this.announcer.selfKey(),
      admitted: init.admitted,
      cannotAdopt: init.cannotAdopt,
      soon: (withinMs, why) => { this.announceSoon(withinMs, why) },
      restarted: id => { this.prober.reset(id, performance.now()) },
      changed: () => { this.changed() },
      dispatch: e => this.dispatchEvent(e),
      rejected: () => { this.rejected() },
      metrics: init.metrics,
      log: init.log
    })
    this.strangerPrompts = new RateLimitedLog(STRANGER_PROMPT_PERIODS * init.heartbeatMs, MAX_MEMBERS)
    this.connector = new Connector({ libp2p: init.libp2p, selfId: this.selfId, bootstrap: init.bootstrap, log: init.log, maxDialedMembers: init.maxDialedMembers ?? DEFAULT_MAX_DIALED_MEMBERS })
    if (init.joining === true) this.view.updateSelf({ joining: true })
    this.prober = new Prober({
      // on the connection open to the member, a relayed one too (src/reach/open-stream.ts)
      ping: { ping: async (peer, options) => pingPeer(init.libp2p, peer, options) },
      periodMs: init.heartbeatMs,
      timeoutMs: Math.max(2 * init.heartbeatMs, 1000),
      acceptablePauseMs: init.heartbeatMs,
      log: init.log,
      onAnswer: (id, now) => { this.view.touch(id, now) }
    })
    init.metrics.describe('meshkv_membership_heartbeats_total', 'membership messages sent and received (announcements and reports), and pings')
  }

  start (): void {
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.subscribe(this.init.topic)
    pubsub.addEventListener('message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscription)
    this.init.libp2p.addEventListener('self:peer:update', this.onSelfUpdate)
    this.timer = setInterval(() => { this.tick() }, this.init.heartbeatMs)
    this.tick()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    this.prober.stop()
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscription)
    this.init.libp2p.removeEventListener('self:peer:update', this.onSelfUpdate)
    pubsub.unsubscribe(this.init.topic)
  }

  /** Announce that this peer is leaving, so others take it out of their rings at once. */
  async announceLeaving (): Promise<void> {
    this.view.updateSelf({ leaving: true })
    await this.announcer.announce('change')
  }

  /** A joining peer has its ranges: it takes its ring positions now. */
  async announceUp (): Promise<void> {
    if (this.view.updateSelf({ joining: false })) this.changed()
    await this.announcer.announce('change')
  }

  /** The cluster parameters this peer runs with now (after any adoption). */
  clusterParams (): Readonly<AnnouncedParams> {
    return this.params
  }

  /** Replace this peer's ring tokens (after tokensPerUnit was adopted) and announce them. */
  setTokens (tokens: readonly bigint[]): void {
    this.announcer.setTokens(tokens)
    if (this.view.updateSelf({ tokens })) this.changed()
    this.announceSoon(0, 'change')
  }

  members (): Member[] {
    return this.view.all()
  }

  /** Take a peer out of the view at once (admission dropped it: revoked, or its certificate expired). */
  forget (id: string): void {
    if (this.view.remove(id)) this.changed()
  }

  /** One member as this peer sees it (no copy: do not change it). */
  member (id: string): Member | undefined {
    return this.view.get(id)
  }

  /** Pings sent and answered so far, how many members are watched now, and this peer's local health score (0: healthy). */
  probeStats (): { sent: number, answered: number, watched: number, localHealth: number } {
    return { sent: this.prober.sent, answered: this.prober.answered, watched: this.prober.watched().length, localHealth: this.health.value }
  }

  /** Membership messages this peer published, by why it sent them. */
  publishedByWhy (): Record<string, number> {
    return this.schedule.byWhy()
  }

  /** The members with this peer's phi for those it watches (status). */
  membersWithPhi (): MemberStatusInfo[] {
    const now = performance.now()
    return this.view.all().map(m => {
      const phi = this.prober.phi(m.id, now)
      return phi === undefined ? m : { ...m, phi: Math.round(phi * 100) / 100 }
    })
  }

  private tick (): void {
    const now = performance.now()
    // a tick late by half a period means this peer itself stalled (GC, a busy
    // loop): answers to its probes waited in its own queue, so it accuses
    // nobody for two periods, and needs more evidence for a while after
    const { answered, failed } = this.prober
    if (now - this.lastTick > 1.5 * this.init.heartbeatMs && this.lastTick > -Infinity) {
      this.overloadedUntil = now + 2 * this.init.heartbeatMs
      this.health.degraded()
    } else if (failed === this.probesAtLastTick.failed && answered > this.probesAtLastTick.answered) {
      this.health.healthy()
    }
    this.probesAtLastTick = { answered, failed }
    this.lastTick = now
    let changed = this.view.expire(now)
    // the members this peer reported suspect and that did not refute: say they are down
    for (const [id, r] of this.suspected) {
      const m = this.view.get(id)
      if (m === undefined || m.incarnation !== r.incarnation || m.seq !== r.seq || m.state === 'up') this.suspected.delete(id)
      else if (m.state === 'down') {
        this.suspected.delete(id)
        this.announcer.report({ ...r, state: 'down' })
      }
    }
    const live = this.view.live().map(m => m.id)
    const epoch = Math.floor(this.round++ / EPOCH_ROUNDS)
    // the random part of the watch set from the members kept connected: probes then open no new connections
    const picks = this.connector.picks(live)
    this.prober.round(watchSet(this.selfId, live, epoch, DEFAULT_WATCH, picks), now)
    const threshold = this.init.phiThreshold * this.health.multiplier()
    for (const id of now < this.overloadedUntil ? [] : this.prober.watched()) {
      const m = this.view.get(id)
      if (m === undefined || m.state === 'suspect' || m.state === 'down') continue
      if ((this.prober.phi(id, now) ?? 0) > threshold) {
        const r: Report = { subject: id, incarnation: m.incarnation, seq: m.seq, state: 'suspect' }
        this.init.log('%s suspect: phi %d over %d (local health %d)', id, this.prober.phi(id, now), threshold, this.health.value)
        changed = this.view.report(r, now) || changed
        this.suspected.set(id, r)
        this.announcer.report(r)
      }
    }
    if (changed) this.changed()
    // the slow period (and the silence that makes a member down, three of them) follows the cluster's size
    this.schedule.resize(this.view.size)
    this.view.setStaleAfter(this.staleAfterMs())
    const why = this.schedule.due(now, this.view.size <= 1)
    if (why !== undefined) void this.announcer.announce(why)
    this.connector.keep(this.view.live().map(m => m.id), watchSet(this.selfId, live, epoch, { ...DEFAULT_WATCH, random: 0 }))
  }

  /** Announce within `withinMs` (jittered, so a cluster that heard the same news does not answer at once). */
  private announceSoon (withinMs: number, why: string): void {
    this.schedule.soon(performance.now(), withinMs, why)
  }

  /** silence after which a member is down whatever the reports: three slow periods and the time to refute */
  private staleAfterMs (): number {
    return 3 * this.schedule.period() + this.init.memberTimeoutMs
  }

  private receive (msg: Message): void {
    if (msg.topic !== this.init.topic) return
    if (msg.type !== 'signed' || msg.data.byteLength > MAX_MESSAGE_BYTES) return this.rejected()
    let decoded: MembershipMessage
    try {
      decoded = MembershipMessage.decode(msg.data, { limits: { announce$: { addrs: MAX_ADDRS, tokens: MAX_TOKENS_PER_MEMBER } } })
    } catch {
      return this.rejected()
    }
    const from = msg.from.toString()
    if (from === this.selfId) return
    if (decoded.announce !== undefined) this.intake.receive(from, decoded.announce)
    else if (decoded.report !== undefined) this.receiveReport(from, decoded.report)
    else this.rejected()
  }

  private rejected (): void {
    this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'rejected' })
  }

  private receiveReport (from: string, wire: WireReport): void {
    // only members this peer accepted may report: an outsider's word counts for nothing
    const reporter = this.view.get(from)
    if (reporter === undefined || reporter.state === 'down') return this.rejected()
    if (wire.subject.length > 128 || !Number.isSafeInteger(wire.incarnation) || !Number.isSafeInteger(wire.seq)) return this.rejected()
    this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'in', kind: 'report' })
    const r: Report = { subject: wire.subject, incarnation: wire.incarnation, seq: wire.seq, state: wire.state === ReportedState.DOWN ? 'down' : 'suspect' }
    if (r.subject === this.selfId) {
      // reported about this very incarnation: refute with a newer announcement (at most once a probe period)
      const now = performance.now()
      if (r.incarnation === this.incarnation && now - this.lastRefute >= this.init.heartbeatMs) {
        this.lastRefute = now
        // it was alive to hear itself accused: it answered too slowly, so it may be the slow one
        this.health.degraded()
        this.init.log('refuting %s report by %s', r.state, from)
        void this.announcer.announce('refute')
      }
      return
    }
    if (this.view.report(r, performance.now())) this.changed()
  }

  private changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}
