/**
 * GET /ring: this peer's ring as arcs of the hash space, each with its
 * preference list (primary first), and each peer's share of it, as primary
 * and as any replica. Read-only; what the web view draws and `meshkv ring`
 * prints.
 */
import type { ServerResponse } from 'node:http'
import type { Ring } from '../ring/index.js'
import type { MeshNode } from '../node.js'
import { sendJson } from './http-io.js'

/** Arcs sent at most; a bigger ring is sent as arcs merged by primary owner (`merged: true`). */
export const MAX_ARCS = 4096

const TWO_64 = 2 ** 64
const fraction = (p: bigint): number => Number(p) / TWO_64
const hex = (p: bigint): string => p.toString(16).padStart(16, '0')

export interface ArcJson {
  /** the arc is (start, end] on the 64-bit hash ring, wrapping past the top; hex, 16 digits */
  start: string
  end: string
  /** start and end as fractions of the ring, 0..1, for drawing */
  from: number
  to: number
  /** the arc's primary owner: replicas[0] */
  owner: string
  /** the preference list of a key in this arc, primary first (only the owner when merged) */
  replicas: string[]
}

export interface RingPeerJson {
  peerId: string
  tokens: number
  capacity: number
  zone: string | null
  /** fraction of the hash space this peer owns as primary */
  share: number
  /** fraction of the hash space this peer holds a replica of (primary or not) */
  replicaShare: number
}

export interface RingReply {
  peerId: string
  n: number
  tokensPerUnit: number
  tokenTotal: number
  /** distinct preference lists on the ring */
  preferenceLists: number
  /** arcs merged by primary owner because there were more than MAX_ARCS */
  merged: boolean
  peers: RingPeerJson[]
  arcs: ArcJson[]
}

/** Length of the arc (start, end] as a fraction; start === end is the whole ring. */
function arcLength (start: bigint, end: bigint): number {
  if (start === end) return 1
  return end > start ? fraction(end - start) : fraction((1n << 64n) - start + end)
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000

type Summary = Omit<RingReply, 'peerId' | 'n'>

// a Ring is an immutable snapshot: its summary is computed once, not at every push to the web view
const summaries = new WeakMap<Ring, { n: number, summary: Summary }>()

/** The ring's arcs and per-peer shares, for a preference list of n (do not modify: shared). */
export function ringSummary (ring: Ring, n: number): Summary {
  const cached = summaries.get(ring)
  if (cached !== undefined && cached.n === n) return cached.summary
  const summary = computeSummary(ring, n)
  summaries.set(ring, { n, summary })
  return summary
}

function computeSummary (ring: Ring, n: number): Summary {
  const ranges = ring.ranges(n)
  const share = new Map<string, number>()
  const replicaShare = new Map<string, number>()
  const lists = new Set<string>()
  for (const r of ranges) {
    const len = arcLength(r.start, r.end)
    share.set(r.replicas[0], (share.get(r.replicas[0]) ?? 0) + len)
    for (const id of r.replicas) replicaShare.set(id, (replicaShare.get(id) ?? 0) + len)
    lists.add(r.replicas.join(' '))
  }
  let arcs: ArcJson[] = ranges.map(r => ({ start: hex(r.start), end: hex(r.end), from: fraction(r.start), to: fraction(r.end), owner: r.replicas[0], replicas: r.replicas }))
  const merged = arcs.length > MAX_ARCS
  if (merged) arcs = mergeByOwner(ranges.map(r => ({ start: r.start, end: r.end, owner: r.replicas[0] })))
  const peers = ring.members().map(m => ({
    peerId: m.id,
    tokens: ring.tokenCount(m.id),
    capacity: m.capacity,
    zone: m.zone ?? null,
    share: round(share.get(m.id) ?? 0),
    replicaShare: round(replicaShare.get(m.id) ?? 0)
  }))
  return { tokensPerUnit: ring.tokensPerUnit, tokenTotal: ring.tokenTotal, preferenceLists: lists.size, merged, peers, arcs }
}

/** Neighbouring arcs with the same primary as one; still bounded by MAX_ARCS (the rest joins the last). */
function mergeByOwner (ranges: Array<{ start: bigint, end: bigint, owner: string }>): ArcJson[] {
  const out: Array<{ start: bigint, end: bigint, owner: string }> = []
  for (const r of ranges) {
    const last = out[out.length - 1]
    if (last !== undefined && (last.owner === r.owner || out.length >= MAX_ARCS)) last.end = r.end
    else out.push({ ...r })
  }
  return out.map(r => ({ start: hex(r.start), end: hex(r.end), from: fraction(r.start), to: fraction(r.end), owner: r.owner, replicas: [r.owner] }))
}

export function ringReply (node: MeshNode): RingReply {
  const n = node.quorums.n
  return { peerId: node.peerId, n, ...ringSummary(node.ring(), n) }
}

export function getRing (node: MeshNode, res: ServerResponse): void {
  sendJson(res, 200, ringReply(node))
}
