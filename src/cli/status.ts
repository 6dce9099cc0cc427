/**
 * `meshkv status`: who this peer is and who it sees. For people, a short
 * report that says plainly when there is no replication; with --json, the
 * API's answer (multiaddrs end in /p2p/<peer id>, ready for --bootstrap).
 */
import { apiUrl, CLIENT_OPTIONS, parse, positionals } from './args.js'
import { call, failure, json } from './client.js'
import { EXIT } from './io.js'
import type { CliIo } from './io.js'

interface Status {
  peerId: string
  cluster: string
  api?: string
  multiaddrs: string[]
  quorums: { n: number, r: number, w: number }
  ringSize: number
  tokensPerUnit?: number
  members: Array<{ id: string, state: string, addrs: string[], capacity: number, zone?: string, self?: boolean, incarnation?: number, phi?: number, share?: number }>
  tombstones?: { pending: number, collected: number, lastScan?: number }
  transfer?: { state: string, arcsDone: number, arcsTotal: number, arcsFailed: number, keys: number, bytes: number, dropped: number, leave?: { pushed: number, total: number, failed: number } }
  antiEntropy?: { intervalMs: number, ready: boolean, indexedKeys: number, exchanges: number, failures: number, keysRepaired: number, bytes: number }
  hints?: { pending: number, byOwner: Record<string, number>, delivered: number, failed: number, expired: number, droppedKeys: number, maxHints?: number }
  probes?: { sent: number, answered: number, watched: number, localHealth: number }
  admission?: { mode: string, clusterKey?: string, certExpires?: string, revocations: number }
  reach?: { reachability: string, relayServer: boolean, relayedPeers?: number, relayAddrs: string[], connections: Array<{ direct: boolean }> }
}

/** open or closed (src/admission/): who may join */
function admissionLine (a: NonNullable<Status['admission']>): string {
  if (a.mode !== 'closed') return 'admission open: any peer that knows the cluster name may join (close it with --cluster-key or --cert)'
  return `admission closed: cluster key ${a.clusterKey ?? '?'}, this peer's certificate ${a.certExpires === undefined ? 'never expires' : `expires ${a.certExpires}`}, ${a.revocations} ${a.revocations === 1 ? 'peer' : 'peers'} revoked`
}

/** deletes still stored and collected (src/tombstones/collector.ts) */
function tombstoneLine (t: NonNullable<Status['tombstones']>): string {
  const scan = t.lastScan === undefined ? 'no pass yet' : `last pass ${new Date(t.lastScan).toISOString()}`
  return `deletes   ${t.pending} pending, ${t.collected} collected (${scan})`
}

function antiEntropyLine (ae: NonNullable<Status['antiEntropy']>): string {
  const every = ae.intervalMs > 0 ? `every ${ae.intervalMs / 1000} s` : 'background off'
  const index = ae.ready ? `${ae.indexedKeys} keys indexed` : 'index building'
  return `anti-entropy ${every}, ${index}, ${ae.exchanges} exchanges (${ae.failures} failed), ${ae.keysRepaired} keys repaired, ${ae.bytes} bytes`
}

/** range transfer: a join's pulls, a leave's pushes, keys handed over */
function transferLine (t: NonNullable<Status['transfer']>): string {
  const parts = [t.state]
  if (t.arcsTotal > 0) parts.push(`arcs ${t.arcsDone}/${t.arcsTotal}${t.arcsFailed > 0 ? ` (${t.arcsFailed} failed)` : ''}`, `pulled ${t.keys} keys, ${t.bytes} bytes`)
  if (t.leave !== undefined) parts.push(`pushed ${t.leave.pushed}/${t.leave.total} keys${t.leave.failed > 0 ? ` (${t.leave.failed} failed)` : ''}`)
  if (t.dropped > 0) parts.push(`handed over and dropped ${t.dropped} keys`)
  return `transfer  ${parts.join(', ')}`
}

/** Hinted handoff: writes this peer holds for owners that were down, and what became of earlier ones. */
function formatHints (h: NonNullable<Status['hints']>): string[] {
  const owners = Object.entries(h.byOwner).map(([id, n]) => `${id.slice(-8)}: ${n}`).join(', ')
  return [`hints     ${h.pending} pending${owners !== '' ? ` (${owners})` : ''}, ${h.delivered} delivered, ${h.failed} failed deliveries, ${h.expired} expired, ${h.droppedKeys} keys handed off and dropped`]
}

/** reachability (AutoNAT, relay reservations), relay service, and how this peer's connections go (src/reach/reach-status.ts) */
function reachLine (r: NonNullable<Status['reach']>): string {
  const relayed = r.connections.filter(c => !c.direct).length
  const serving = r.relayServer ? `relay server (${r.relayedPeers ?? 0} reservations)` : 'no relay server'
  return `reach     ${r.reachability}, ${serving}, ${r.relayAddrs.length} relay addresses, connections ${r.connections.length - relayed} direct / ${relayed} relayed`
}

function replication ({ n, r, w }: Status['quorums'], members: number): string {
  if (n === 1) return members <= 1 ? 'single-peer mode: no replication' : 'no replication: each key on one peer'
  return r + w > n ? 'reads see the latest acknowledged write' : 'r + w <= n: reads may miss recent writes'
}

export function formatStatus (s: Status): string {
  const up = s.members.filter(m => m.state === 'up').length
  const lines = [
    `peer      ${s.peerId}`,
    `cluster   ${s.cluster}`,
    ...(s.api !== undefined ? [`api       ${s.api}`] : []),
    ...(s.admission !== undefined ? [admissionLine(s.admission)] : []),
    `quorums   n=${s.quorums.n} r=${s.quorums.r} w=${s.quorums.w} (${replication(s.quorums, s.members.length)})`,
    `ring      ${s.ringSize} ${s.ringSize === 1 ? 'peer' : 'peers'} own keys`,
    ...(s.transfer !== undefined ? [transferLine(s.transfer)] : []),
    'addresses',
    ...s.multiaddrs.map(a => `  ${a}`),
    ...(s.tombstones !== undefined ? [tombstoneLine(s.tombstones)] : []),
    ...(s.antiEntropy !== undefined ? [antiEntropyLine(s.antiEntropy)] : []),
    ...(s.hints !== undefined ? formatHints(s.hints) : []),
    `members   ${s.members.length} (${up} up)`,
    // shown only when this peer may be the slow one: it then accuses others less readily
    ...(s.probes !== undefined && s.probes.localHealth > 0 ? [`probes    watching ${s.probes.watched}; local health ${s.probes.localHealth} (this peer looks slow itself: phi threshold x${1 + s.probes.localHealth})`] : []),
    ...(s.reach !== undefined ? [reachLine(s.reach)] : [])
  ]
  const members = [...s.members].sort((a, b) => Number(b.self === true) - Number(a.self === true) || a.id.localeCompare(b.id))
  // phi: this peer's suspicion of a member it probes ("-" for one it does not watch); share: of the ring, as primary
  for (const m of members) {
    const extra = [
      m.self === true ? 'self' : '',
      m.phi !== undefined ? `phi ${m.phi.toFixed(2)}` : m.self === true ? '' : 'phi -',
      m.incarnation !== undefined ? `inc ${m.incarnation}` : '',
      m.zone !== undefined ? `zone ${m.zone}` : '',
      m.share !== undefined ? `share ${(m.share * 100).toFixed(1)}%` : 'share -',
      `capacity ${m.capacity}`,
      m.addrs[0] ?? ''
    ].filter(x => x !== '')
    lines.push(`  ${m.id}  ${m.state.padEnd(7)} ${extra.join('  ')}`)
  }
  return lines.join('\n') + '\n'
}

export async function status (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, CLIENT_OPTIONS)
  positionals(parsed, [])
  const api = apiUrl(parsed.values.api, io)
  const reply = await call(api, '/status')
  const body = reply.status === 200 ? json<Status>(reply) : undefined
  if (body === undefined || typeof body.peerId !== 'string') throw failure(api, reply)
  io.stdout.write(parsed.values.json === true ? reply.body : formatStatus(body))
  return EXIT.OK
}
