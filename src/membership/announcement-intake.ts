/**
 * A member's announcement, from the wire to the view. Nothing it claims is
 * trusted: it is parsed within bounds (announcement.ts), its cluster
 * settings must agree with ours (params.ts; unset ones of ours are adopted)
 * and its ring tokens fit the budgets (token-budget.ts) before it reaches
 * the view. A refused peer is logged (rate-limited) and reported as a
 * 'refused' event.
 *
 * An announcement without its tokens (a periodic one: their digest only)
 * counts only when this peer's copy of the member's tokens has that digest.
 * Otherwise it stays out of the view (the ring is never built from tokens
 * this peer does not have), this peer's known-members filter lacks the
 * member, and this peer announces soon ('want'): the member, reading the
 * filter, answers with its tokens ('heal').
 *
 * A member on defaults that differ from this peer's settings (a joiner, or
 * a member restarted without them) is left out until it adopts ours, and
 * told them soon ('adopt'; a member this peer knows, once in 5 probe
 * periods).
 *
 * Then what it prompts: a member this peer did not know may not know this
 * peer either ('news'); a member whose filter lacks this peer has not heard
 * it, or not its current tokens ('heal'; only those answer, once in 5 probe
 * periods each).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { parseAnnouncement } from './announcement.js'
import { mayKnow } from './known-filter.js'
import { describeRefusal, judgeParams } from './params.js'
import { RateLimitedLog } from './rate-limited-log.js'
import { claimedTokens, overBudget } from './token-budget.js'
import { sameDigest, TOKEN_DIGEST_BYTES } from './token-digest.js'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
import type { AdoptableSetting, AnnouncedParams } from './params.js'
import type { Heartbeat } from './pb/heartbeat.js'
import type { HeartbeatInfo, MembershipView } from './view.js'
import type { Libp2p, Logger } from '@libp2p/interface'
import type { MetricsRegistry } from '../metrics.js'

/** A refused announcement, as the 'refused' event carries it. */
export interface RefusedPeer {
  peer: string
  reason: string
}

export interface AnnouncementIntakeInit {
  libp2p: Libp2p
  view: MembershipView
  /** this peer's cluster settings: unset ones are adopted here */
  params: AnnouncedParams
  capacity: number
  heartbeatMs: number
  maxMembers: number
  /** what a member that knows this peer (with its current tokens) holds in its filter */
  selfKey: () => string
  admitted?: (peer: string) => boolean
  cannotAdopt?: (values: Partial<Record<AdoptableSetting, number>>) => string | undefined
  /** announce within `withinMs`, for `why` */
  soon: (withinMs: number, why: string) => void
  /** a member came back with a new incarnation: its detector starts afresh */
  restarted: (id: string) => void
  /** the ring-relevant part of the view changed */
  changed: () => void
  /** 'params' and 'refused' events */
  dispatch: (event: Event) => void
  rejected: () => void
  metrics: MetricsRegistry
  log: Logger
}

/** a refusal is logged at most once per peer and reason in this period */
const REFUSAL_LOG_MS = 60_000
const MAX_REFUSALS_TRACKED = 1024
/** a member that has not heard this peer is answered (and one whose tokens this peer lacks is asked) at most once in this many probe periods */
const HEAL_ANSWER_PERIODS = 5

export class AnnouncementIntake {
  private readonly refusals = new RateLimitedLog(REFUSAL_LOG_MS, MAX_REFUSALS_TRACKED)
  private readonly healAnswers: RateLimitedLog
  private readonly wants: RateLimitedLog
  private readonly adoptPrompts: RateLimitedLog

  constructor (private readonly init: AnnouncementIntakeInit) {
    this.healAnswers = new RateLimitedLog(HEAL_ANSWER_PERIODS * init.heartbeatMs, init.maxMembers)
    this.wants = new RateLimitedLog(HEAL_ANSWER_PERIODS * init.heartbeatMs, init.maxMembers)
    this.adoptPrompts = new RateLimitedLog(HEAL_ANSWER_PERIODS * init.heartbeatMs, init.maxMembers)
  }

  receive (from: string, wire: Heartbeat): void {
    const { init } = this
    if (init.admitted?.(from) === false) return init.rejected()
    const parsed = parseAnnouncement(from, wire)
    if (parsed === undefined) return init.rejected()
    const { hb, params } = parsed
    const verdict = judgeParams(init.params, params)
    if (verdict.refuse !== undefined) return this.refuse(hb.id, describeRefusal(verdict.refuse))
    if (verdict.adopt.n !== undefined || verdict.adopt.tokensPerUnit !== undefined) {
      const why = this.cannotAdopt(verdict.adopt)
      if (why !== undefined) return this.refuse(hb.id, why)
      this.adopt(hb.id, verdict.adopt)
    }
    if (verdict.wait) {
      // it runs on defaults that differ from ours: tell it ours, so it can adopt them. One this peer
      // knows restarted on them (its announcements count for nothing until it adopts ours, and its
      // new subscription prompted nobody if it was settled): told too, once in 5 probe periods each
      const known = init.view.get(hb.id) !== undefined
      if (!known || this.adoptPrompts.due(hb.id, performance.now())) init.soon(init.heartbeatMs, 'adopt')
      return
    }
    const prev = init.view.get(hb.id)
    const resolved = this.resolveTokens(hb, wire.tokensDigest)
    if (resolved === 'malformed') return init.rejected()
    if (resolved === 'missing') {
      // a sign of life all the same; what it says waits for its tokens
      init.view.touch(hb.id, performance.now())
      if (this.wants.due(hb.id, performance.now())) init.soon(init.heartbeatMs, 'want')
      return
    }
    const tpu = init.params.tokensPerUnit
    const others = init.view.all().reduce((sum, m) => m.id === hb.id ? sum : sum + claimedTokens(m, tpu), 0)
    const over = overBudget(hb, tpu, others)
    if (over !== undefined) return this.refuse(hb.id, over)
    init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'in', kind: 'announce' })
    // once it has a member, this peer has a cluster: its settings are the cluster's, no longer up for adoption
    init.params.set.n = true
    init.params.set.tokensPerUnit = true
    const news = prev === undefined || prev.state === 'down' || prev.incarnation !== hb.incarnation
    // a member's new addresses (a relay reservation behind a NAT, a restart on a new port) are dialable at once
    const moved = prev !== undefined && prev.addrs.join(' ') !== hb.addrs.join(' ')
    if (news || moved) {
      init.libp2p.peerStore.merge(peerIdFromString(hb.id), { multiaddrs: hb.addrs.map(a => multiaddr(a)) })
        .catch(err => { init.log('peer store merge failed: %s', (err as Error).message) })
      if (prev !== undefined && prev.incarnation !== hb.incarnation) init.restarted(hb.id)
    }
    // an old announcement (a late delivery, a replay) carries an old filter: only the newest says what its sender knows now
    const newest = prev === undefined || hb.incarnation > prev.incarnation || (hb.incarnation === prev.incarnation && hb.seq > prev.seq)
    if (init.view.heard(hb, performance.now())) init.changed()
    // a member this peer did not know may not know it either: tell it soon
    const state = init.view.get(hb.id)?.state
    if (news && (state === 'up' || state === 'joining')) init.soon(init.heartbeatMs, 'news')
    // it has not heard this peer, or not its current tokens (it missed announcements while its mesh formed): tell it
    else if (newest && !mayKnow(wire.known, init.selfKey()) && this.healAnswers.due(hb.id, performance.now())) {
      init.soon(init.heartbeatMs, 'heal')
    }
  }

  /**
   * Fill in the tokens of an announcement that gave only their digest, from
   * this peer's copy: 'ok' when they are there (or were sent), 'missing'
   * when this peer has no copy of that digest.
   */
  private resolveTokens (hb: HeartbeatInfo, digest: Uint8Array | undefined): 'ok' | 'missing' | 'malformed' {
    if (digest === undefined) return 'ok'
    if (digest.byteLength !== TOKEN_DIGEST_BYTES || hb.tokens !== undefined) return 'malformed'
    const copy = this.init.view.get(hb.id)?.tokens
    if (copy === undefined || !sameDigest(copy, digest)) return 'missing'
    hb.tokens = copy
    return 'ok'
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
    const params = this.init.params
    for (const [k, v] of Object.entries(values) as Array<[AdoptableSetting, number]>) {
      this.init.log('adopting the cluster\'s %s=%d (was %d, unset) from %s', k, v, params[k], from)
      params[k] = v
      params.set[k] = true
    }
    this.init.dispatch(new CustomEvent('params', { detail: { ...values, from } }))
  }

  private refuse (peer: string, reason: string): void {
    this.init.metrics.inc('meshkv_membership_heartbeats_total', { dir: 'refused' })
    if (this.init.view.remove(peer)) this.init.changed()
    if (!this.refusals.due(`${peer} ${reason}`, performance.now())) return
    // announce soon, so the refused peer hears ours and says why on its side too
    this.init.soon(this.init.heartbeatMs, 'refused')
    this.init.log.error('refused peer %s: %s', peer, reason)
    this.init.dispatch(new CustomEvent<RefusedPeer>('refused', { detail: { peer, reason } }))
  }
}
