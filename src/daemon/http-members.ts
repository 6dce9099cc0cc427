/**
 * GET /members: every member this peer knows, as this peer sees it: state,
 * this peer's phi for it (when it watches it), incarnation, zone, capacity,
 * addresses, share of the ring, keys held (this peer's own count; another
 * member's as of its last announcement), and hints this peer holds for it.
 * Read-only.
 */
import type { ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'
import type { MemberState } from '../membership/view.js'
import { ringSummary } from './http-ring.js'
import { sendJson } from './http-io.js'

export interface MemberJson {
  peerId: string
  /** this peer, the one answering */
  self: boolean
  state: MemberState
  /** this peer's suspicion of the member; null when it does not probe it (itself, or not in its watch set) */
  phi: number | null
  incarnation: number
  zone: string | null
  capacity: number
  addresses: string[]
  /** ring tokens it holds (0 when joining, leaving or left) */
  tokens: number
  /** fraction of the hash space it owns as primary; null when it holds no ring positions */
  share: number | null
  /** fraction of the hash space it holds a replica of; null when out of the ring */
  replicaShare: number | null
  /** keys in its store, deletes not yet collected included (another member's as of its last announcement); null when unknown */
  keys: number | null
  /** hints this peer holds for it, to deliver when it is back */
  hintsPending: number
  /** ms since its state last changed, and since it last showed life (to this peer) */
  sinceMs: number
  lastSeenMs: number
}

export interface MembersReply {
  peerId: string
  cluster: string
  quorums: { n: number, r: number, w: number }
  /** wall-clock time of this answer (epoch ms) */
  at: number
  /** hints this peer holds in all */
  hintsPending: number
  members: MemberJson[]
}

const STATE_ORDER: Record<MemberState, number> = { up: 0, joining: 1, suspect: 2, leaving: 3, down: 4 }

export function membersReply (node: MeshNode): MembersReply {
  const status = node.status()
  const ring = node.ring()
  const summary = new Map(ringSummary(ring, status.quorums.n).peers.map(p => [p.peerId, p]))
  const byOwner = status.hints?.byOwner ?? {}
  const ae = status.antiEntropy
  const selfKeys = ae !== undefined && ae.ready ? ae.indexedKeys : null
  const now = performance.now()
  const members: MemberJson[] = status.members.map(m => {
    const inRing = summary.get(m.id)
    return {
      peerId: m.id,
      self: m.self,
      state: m.state,
      phi: m.phi ?? null,
      incarnation: m.incarnation,
      zone: m.zone ?? null,
      capacity: m.capacity,
      addresses: [...m.addrs],
      tokens: inRing?.tokens ?? 0,
      share: inRing?.share ?? null,
      replicaShare: inRing?.replicaShare ?? null,
      keys: m.self ? selfKeys : m.keys ?? null,
      hintsPending: byOwner[m.id] ?? 0,
      sinceMs: Math.max(0, Math.round(now - m.since)),
      lastSeenMs: Math.max(0, Math.round(now - m.lastSeen))
    }
  })
  members.sort((a, b) => Number(b.self) - Number(a.self) || STATE_ORDER[a.state] - STATE_ORDER[b.state] || (a.peerId < b.peerId ? -1 : 1))
  return { peerId: status.peerId, cluster: status.cluster, quorums: { ...status.quorums }, at: Date.now(), hintsPending: status.hints?.pending ?? 0, members }
}

export function getMembers (node: MeshNode, res: ServerResponse): void {
  sendJson(res, 200, membersReply(node))
}
