/**
 * `status()` put together from the node's parts, each read now: members
 * with their share of the ring, probes, the ring, healing, admission,
 * circuit breakers that are not closed, reachability and discovery. A part
 * not started yet (or stopped) shows as absent or zero.
 */
import * as C from '../constants.js'
import { reachStatus } from '../reach/reach-status.js'
import type { HealingStatus } from '../healing/healing.js'
import type { Admission } from '../admission/admission.js'
import type { Quorums } from '../coordinator/coordinator.js'
import type { Discovery } from '../discovery/discovery.js'
import type { MeshHost } from '../host.js'
import type { Membership, MemberStatusInfo } from '../membership/membership.js'
import type { Breakers } from '../protocol/circuit-breaker.js'
import type { DirectUpgrade } from '../reach/direct-upgrade.js'
import type { Ring } from '../ring/index.js'
import type { NodeOptions, NodeStatus } from '../node-types.js'

export interface StatusParts {
  peerId: string
  cluster: string
  multiaddrs: string[]
  quorums: Quorums
  options: NodeOptions
  libp2p?: MeshHost
  membership?: Membership
  ring?: Ring
  healing?: HealingStatus
  admission?: Admission
  breakers?: Breakers
  directUpgrade?: DirectUpgrade
  discovery?: Discovery
}

export function nodeStatus (p: StatusParts): NodeStatus {
  const { directUpgrade } = p
  return {
    peerId: p.peerId,
    cluster: p.cluster,
    multiaddrs: p.multiaddrs,
    quorums: p.quorums,
    members: memberStatus(p.membership, p.ring),
    probes: p.membership?.probeStats() ?? { sent: 0, answered: 0, watched: 0, localHealth: 0 },
    ringSize: p.ring?.size ?? 0,
    tokensPerUnit: p.membership?.clusterParams().tokensPerUnit ?? p.options.tokensPerUnit ?? C.DEFAULT_TOKENS_PER_UNIT,
    ...(p.healing ?? { tombstones: { pending: 0, collected: 0 } }),
    admission: p.admission?.status(),
    ...breakerStatus(p.breakers),
    reach: p.libp2p === undefined ? undefined : reachStatus(p.libp2p, directUpgrade?.stats, directUpgrade === undefined ? undefined : id => directUpgrade.isVerified(id)),
    discovery: p.discovery?.status()
  }
}

/** each member with this peer's phi for it and its share of the ring (to four places), tokens left out */
function memberStatus (membership: Membership | undefined, ring: Ring | undefined): Array<MemberStatusInfo & { share?: number }> {
  const shares = ring?.ownership() ?? new Map<string, number>()
  return (membership?.membersWithPhi() ?? []).map(m => {
    const share = shares.get(m.id)
    const { tokens: _, ...rest } = m
    return share === undefined ? rest : { ...rest, share: Math.round(share * 10_000) / 10_000 }
  })
}

function breakerStatus (breakers: Breakers | undefined): { breakers?: NodeStatus['breakers'] } {
  const notClosed = breakers?.notClosed() ?? {}
  return Object.keys(notClosed).length === 0 ? {} : { breakers: notClosed }
}
