/**
 * This peer's membership as the node starts it: a new incarnation, how it
 * starts (a member with its stored tokens, a joiner that hears the ring
 * first, or an observer of capacity 0 that holds no positions), the
 * cluster parameters it sets or adopts, and admission's certificate and
 * check. Not started: the node starts it once pulls are served.
 */
import { multiaddr } from '@multiformats/multiaddr'
import * as C from '../constants.js'
import { Membership } from '../membership/membership.js'
import { nextIncarnation } from '../membership/incarnation.js'
import { tokensFor } from '../membership/token-store.js'
import { joinMode } from '../handoff/handoff.js'
import { cannotAdopt } from './options.js'
import type { Admission } from '../admission/admission.js'
import type { Quorums } from '../coordinator/coordinator.js'
import type { MetricsRegistry } from '../metrics.js'
import type { NodeOptions } from '../node-types.js'
import type { RecordStore } from '../store/record-store.js'
import type { MembershipInit } from '../membership/membership.js'
import type { ComponentLogger } from '@libp2p/interface'

export interface NodeMembershipInit {
  libp2p: MembershipInit['libp2p']
  store: RecordStore
  selfId: string
  cluster: string
  options: NodeOptions
  quorums: Quorums
  admission: Admission
  metrics: MetricsRegistry
  logger: ComponentLogger
  /** keys in this peer's store now (undefined while unknown), said in its announcements */
  keysHeld?: () => number | undefined
}

export interface NodeMembership {
  membership: Membership
  /** how this peer starts: joining (with the tokens of a join cut short) or not */
  mode: { joining: boolean, resumeTokens?: bigint[] }
  /** whether this peer's tokens are chosen (a joiner chooses them once it heard the ring) */
  tokensChosen: boolean
  tokensPerUnit: number
  capacity: number
}

export async function nodeMembership (init: NodeMembershipInit): Promise<NodeMembership> {
  const { store, selfId, admission, options: o } = init
  const incarnation = await nextIncarnation(store.raw, async (k, v) => store.putDurable(k, v))
  const tokensPerUnit = o.tokensPerUnit ?? C.DEFAULT_TOKENS_PER_UNIT
  const capacity = o.capacity ?? C.DEFAULT_CAPACITY
  // capacity 0: an observer that coordinates with the cluster's view, holds no ring positions and never joins
  const observer = capacity === 0
  // a fresh peer with somewhere to join, or one whose join was cut short, joins: it hears the ring first
  const mode: NodeMembership['mode'] = observer ? { joining: false } : await joinMode(store, o.bootstrap ?? [])
  const { joining, resumeTokens } = mode
  const tokens = observer ? [] : joining ? (resumeTokens ?? []) : await tokensFor(store.raw, [], { id: selfId, capacity, zone: o.zone }, tokensPerUnit)
  const membership = new Membership({
    libp2p: init.libp2p,
    topic: C.membershipTopic(init.cluster),
    capacity,
    zone: o.zone,
    tokens,
    joining: joining || observer,
    observer,
    bootstrap: (o.bootstrap ?? []).map(a => multiaddr(a)),
    heartbeatMs: o.heartbeatMs ?? C.DEFAULT_HEARTBEAT_MS,
    memberTimeoutMs: o.memberTimeoutMs ?? C.DEFAULT_MEMBER_TIMEOUT_MS,
    announceMs: o.announceMs ?? C.DEFAULT_ANNOUNCE_MS,
    fullAnnounceEvery: o.fullAnnounceEvery,
    phiThreshold: o.phiThreshold ?? C.DEFAULT_PHI_THRESHOLD,
    log: init.logger.forComponent('meshkv:membership'),
    metrics: init.metrics,
    incarnation,
    params: { n: init.quorums.n, tokensPerUnit, set: { n: o.n !== undefined, tokensPerUnit: o.tokensPerUnit !== undefined } },
    cannotAdopt: (values) => cannotAdopt(o, values),
    certificate: admission.certificate,
    admitted: id => admission.isMember(id),
    keysHeld: init.keysHeld
  })
  return { membership, mode, tokensChosen: !joining || resumeTokens !== undefined, tokensPerUnit, capacity }
}
