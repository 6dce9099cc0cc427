/**
 * What this peer says on the membership topic: its own announcement and its
 * failure reports. An announcement is full (addresses, capacity, zone,
 * state, cluster settings, tokens, the filter of the members it knows)
 * except at the slow period (3 in 4 of those) and when it only asks for
 * tokens ('periodic', 'want'): then its tokens are left out and their
 * digest (token-digest.ts) goes instead. Tokens change only with the peer's own
 * state, and every such change is a full announcement ('change'); a peer
 * that missed one finds the digest differs from its copy, leaves this peer
 * out of its filter, and this peer answers it in full ('heal'). So every
 * peer still derives the same ring from the same view, at about half the
 * bytes a period.
 */
import { knownFilter } from './known-filter.js'
import { MAX_ADDRS } from './announcement.js'
import { knownKey, tokenDigest } from './token-digest.js'
import { MembershipMessage, MemberStatus, ReportedState } from './pb/heartbeat.js'
import type { AnnounceSchedule } from './announce-schedule.js'
import type { AnnouncedParams } from './params.js'
import type { Heartbeat, Report as WireReport } from './pb/heartbeat.js'
import type { HeartbeatInfo, MembershipView, Report } from './view.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, Logger } from '@libp2p/interface'
import type { MetricsRegistry } from '../metrics.js'

/** reasons whose announcement leaves the tokens out (their digest goes instead) */
const DIGEST_ONLY = new Set(['periodic', 'want'])
/**
 * one periodic announcement in this many goes out in full all the same: a
 * peer that cannot ask (an observer, a browser tab, publishes nothing, so no
 * member reads its filter) still learns every member's tokens
 */
const FULL_EVERY_PERIODIC = 4

export interface AnnouncerInit {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  topic: string
  selfId: string
  capacity: number
  zone?: string
  /** keys in this peer's store now, said in each announcement for operators' views; undefined while unknown */
  keysHeld?: () => number | undefined
  incarnation: number
  /** the view this peer's own entry is kept in (made after this announcer: its first entry is selfInfo()) */
  view: () => MembershipView
  schedule: AnnounceSchedule
  params: AnnouncedParams
  certificate?: Uint8Array<ArrayBuffer>
  /** publish nothing (a peer of capacity 0) */
  observer: boolean
  /** one periodic announcement in this many goes out in full (default FULL_EVERY_PERIODIC) */
  fullEvery?: number
  metrics: MetricsRegistry
  log: Logger
}

export class Announcer {
  private seq = 0
  private periodic = 0
  private tokens: readonly bigint[]

  constructor (private readonly init: AnnouncerInit, tokens: readonly bigint[]) {
    this.tokens = tokens
  }

  /** This peer as the view records it (its own entry). */
  selfInfo (leaving: boolean): HeartbeatInfo {
    const { libp2p, capacity, zone } = this.init
    return {
      id: this.init.selfId,
      addrs: libp2p.getMultiaddrs().map(a => a.toString()).slice(0, MAX_ADDRS),
      capacity,
      zone,
      incarnation: this.init.incarnation,
      seq: this.seq,
      tokens: this.tokens.length > 0 ? this.tokens : undefined,
      leaving
    }
  }

  setTokens (tokens: readonly bigint[]): void {
    this.tokens = tokens
  }

  /** What a member that knows this peer's current tokens holds in its known-members filter. */
  selfKey (): string {
    return knownKey(this.init.selfId, this.tokens.length > 0 ? this.tokens : undefined)
  }

  async announce (why: string): Promise<void> {
    const { schedule, params: p } = this.init
    const view = this.init.view()
    schedule.announced(performance.now())
    this.seq++
    const self = view.get(this.init.selfId)
    const leaving = self?.state === 'leaving'
    const joining = self?.state === 'joining'
    const info = this.selfInfo(leaving)
    view.updateSelf({ addrs: info.addrs, seq: info.seq })
    const full = why === 'periodic' ? ++this.periodic % (this.init.fullEvery ?? FULL_EVERY_PERIODIC) === 0 : !DIGEST_ONLY.has(why)
    const announce: Heartbeat = {
      peer: info.id,
      addrs: this.init.libp2p.getMultiaddrs().slice(0, MAX_ADDRS).map(a => a.bytes as Uint8Array<ArrayBuffer>),
      capacity: info.capacity,
      incarnation: info.incarnation,
      seq: info.seq,
      status: leaving ? MemberStatus.LEAVING : joining ? MemberStatus.JOINING : MemberStatus.UP,
      zone: info.zone ?? '',
      n: p.n,
      tokensPerUnit: p.tokensPerUnit,
      hash: p.hash,
      nSet: p.set.n,
      tokensPerUnitSet: p.set.tokensPerUnit,
      tokens: full ? [...this.tokens] : [],
      // a peer without tokens of its own (derived from its id) has nothing to leave out
      tokensDigest: full || this.tokens.length === 0 ? undefined : tokenDigest(this.tokens),
      known: knownFilter(view.live().map(m => knownKey(m.id, m.tokens))),
      cert: this.init.certificate,
      keys: this.keysHeld()
    }
    await this.publish({ announce }, 'announce', why)
  }

  private keysHeld (): number | undefined {
    try {
      const n = this.init.keysHeld?.()
      return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined
    } catch {
      return undefined
    }
  }

  report (r: Report): void {
    const report: WireReport = { subject: r.subject, incarnation: r.incarnation, seq: r.seq, state: r.state === 'down' ? ReportedState.DOWN : ReportedState.SUSPECT }
    void this.publish({ report }, 'report', `report-${r.state}`)
  }

  private async publish (msg: MembershipMessage, kind: string, why: string): Promise<void> {
    if (this.init.observer) return
    this.init.schedule.count(why)
    try {
      await this.init.libp2p.services.pubsub.publish(this.init.topic, MembershipMessage.encode(msg))
      this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'out', kind })
    } catch (err) {
      this.init.log('%s not published: %s', kind, (err as Error).message)
    }
  }
}
