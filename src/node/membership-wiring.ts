/**
 * Membership as the node runs it: the membership itself (as it starts:
 * src/node/membership.ts), admission's service that gates its topic and
 * this peer's streams (drops a revoked member from the view and its
 * streams), the ring it places keys on (ring-view.ts), and what a view
 * change does to the rest of the node (view-events.ts). In the node's
 * order: built and admission started before healing and the coordinator,
 * wired to them once they exist, started once pulls are served, stopped
 * (leaving announced first) before healing.
 */
import * as C from '../constants.js'
import { AdmissionService } from '../admission/service.js'
import { nodeMembership } from './membership.js'
import { RingView } from './ring-view.js'
import { wireViewEvents } from './view-events.js'
import type { Guard } from '../admission/gate.js'
import type { Membership } from '../membership/membership.js'
import type { NodeMembership, NodeMembershipInit } from './membership.js'
import type { ViewEventParts } from './view-events.js'
import type { Logger } from '@libp2p/interface'

export interface MembershipWiringInit extends NodeMembershipInit {
  /** a member admission dropped (revoked, expired) is out of the view; its streams go too */
  forgetStreams: (peer: string) => void
  /** keep this peer's ring tokens (chosen again when tokensPerUnit is adopted) */
  saveTokens: (tokens: bigint[]) => Promise<void>
  log: Logger
}

export class MembershipWiring {
  readonly membership: Membership
  readonly view: RingView
  /** admission's check of a remote peer, for the kv and healing handlers */
  readonly guard: Guard
  /** how this peer starts: joining (with the tokens of a join cut short) or not */
  readonly mode: NodeMembership['mode']
  readonly capacity: number

  private constructor (parts: NodeMembership, private readonly admissionService: AdmissionService, view: RingView) {
    this.membership = parts.membership
    this.mode = parts.mode
    this.capacity = parts.capacity
    this.admissionService = admissionService
    this.guard = admissionService.guard
    this.view = view
  }

  /** The membership (not started), admission's service (started) and the ring over the view. */
  static async open (init: MembershipWiringInit): Promise<MembershipWiring> {
    const parts = await nodeMembership(init)
    const { membership, tokensChosen, tokensPerUnit, capacity } = parts
    const admissionService = new AdmissionService({
      libp2p: init.libp2p,
      admission: init.admission,
      cluster: init.cluster,
      membershipTopic: C.membershipTopic(init.cluster),
      members: () => membership.members().map(m => m.id),
      drop: peer => { membership.forget(peer); init.forgetStreams(peer) },
      periodMs: init.options.announceMs ?? C.DEFAULT_ANNOUNCE_MS,
      logger: init.logger
    })
    try {
      await admissionService.start()
    } catch (err) {
      await membership.stop().catch(() => {})
      await admissionService.stop().catch(() => {})
      throw err
    }
    const view = new RingView({ self: { id: init.selfId, capacity, zone: init.options.zone }, membership, tokensPerUnit, tokensChosen, saveTokens: init.saveTokens, log: init.log })
    return new MembershipWiring(parts, admissionService, view)
  }

  /** What a view change does to the node: the ring rebuilt, streams to members down dropped, healing told, the node's events. */
  wire (parts: Omit<ViewEventParts, 'membership' | 'view'>): void {
    wireViewEvents({ ...parts, membership: this.membership, view: this.view })
  }

  /** Hear and announce on the topic: once pulls are served (a joiner starts hearing the ring at once). */
  start (): void {
    this.membership.start()
  }

  /** Stop; by default leaving is announced first, so the others take this peer out of their rings at once. */
  async stop (options: { announce?: boolean } = {}): Promise<void> {
    if (options.announce !== false) await this.membership.announceLeaving().catch(() => {})
    await this.membership.stop().catch(() => {})
    await this.admissionService.stop().catch(() => {})
  }
}
