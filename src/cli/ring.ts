/**
 * `meshkv ring`: one peer's ring for people: each peer's tokens and share
 * (as primary and as any replica), and with --arcs every arc with its
 * preference list. With --json, the API's GET /ring answer.
 */
import { apiUrl, CLIENT_OPTIONS, parse, positionals } from './args.js'
import { call, failure, json } from './client.js'
import { EXIT } from './io.js'
import { percent, table } from './table.js'
import type { CliIo } from './io.js'
import type { RingReply } from '../daemon/http-ring.js'

const short = (id: string): string => id.length > 16 ? `…${id.slice(-8)}` : id

export function formatRing (r: RingReply, arcs = false): string {
  if (r.peers.length === 0) return `the ring is empty (as seen by ${r.peerId}): no peer holds tokens yet\n`
  const head = `${r.peers.length} ${r.peers.length === 1 ? 'peer' : 'peers'}, ${r.tokenTotal} tokens (${r.tokensPerUnit} a unit of capacity), n=${r.n}: ` +
    `${r.arcs.length} arcs${r.merged ? ' (merged by primary)' : ''}, ${r.preferenceLists} distinct preference lists, as seen by ${r.peerId}\n`
  const peers = [...r.peers].sort((a, b) => b.share - a.share || (a.peerId < b.peerId ? -1 : 1))
  const out = head + table(
    [{ title: 'PEER' }, { title: 'ZONE' }, { title: 'CAP', right: true }, { title: 'TOKENS', right: true }, { title: 'PRIMARY', right: true }, { title: 'REPLICA', right: true }],
    peers.map(p => [p.peerId, p.zone ?? '-', String(p.capacity), String(p.tokens), percent(p.share), percent(p.replicaShare)])
  )
  if (!arcs) return out
  return out + '\n' + table(
    [{ title: 'START' }, { title: 'END' }, { title: 'SIZE', right: true }, { title: 'REPLICAS (primary first)' }],
    r.arcs.map(a => [a.start, a.end, percent(a.start === a.end ? 1 : (a.to - a.from + 1) % 1), a.replicas.map(short).join(' ')])
  )
}

export async function ring (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { ...CLIENT_OPTIONS, arcs: { type: 'boolean' } })
  positionals(parsed, [])
  const api = apiUrl(parsed.values.api, io)
  const reply = await call(api, '/ring')
  const body = reply.status === 200 ? json<RingReply>(reply) : undefined
  if (body === undefined || !Array.isArray(body.arcs)) throw failure(api, reply)
  io.stdout.write(parsed.values.json === true ? new TextDecoder().decode(reply.body) : formatRing(body, parsed.values.arcs === true))
  return EXIT.OK
}
