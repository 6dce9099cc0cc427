/**
 * `meshkv members`: the members one peer knows, as a table for people (its
 * own row marked `*`), or with --json the API's GET /members answer.
 */
import { apiUrl, CLIENT_OPTIONS, parse, positionals } from './args.js'
import { call, failure, json } from './client.js'
import { EXIT } from './io.js'
import { ago, percent, table } from './table.js'
import type { CliIo } from './io.js'
import type { MembersReply } from '../daemon/http-members.js'

export function formatMembers (m: MembersReply): string {
  const up = m.members.filter(x => x.state === 'up').length
  const head = `cluster ${m.cluster}, ${m.members.length} ${m.members.length === 1 ? 'member' : 'members'} (${up} up), n=${m.quorums.n} r=${m.quorums.r} w=${m.quorums.w}, as seen by ${m.peerId}\n`
  const rows = m.members.map(x => [
    `${x.self ? '*' : ' '} ${x.peerId}`,
    x.state,
    x.phi === null ? '-' : x.phi.toFixed(2),
    String(x.incarnation),
    x.zone ?? '-',
    String(x.capacity),
    String(x.tokens),
    percent(x.share),
    x.keys === null ? '-' : String(x.keys),
    String(x.hintsPending),
    x.self ? '-' : ago(x.lastSeenMs),
    x.addresses[0] ?? '-'
  ])
  const columns = [
    { title: '  PEER' }, { title: 'STATE' }, { title: 'PHI', right: true }, { title: 'INC', right: true }, { title: 'ZONE' },
    { title: 'CAP', right: true }, { title: 'TOKENS', right: true }, { title: 'SHARE', right: true }, { title: 'KEYS', right: true },
    { title: 'HINTS', right: true }, { title: 'SEEN', right: true }, { title: 'ADDRESS' }
  ]
  return head + table(columns, rows)
}

export async function members (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, CLIENT_OPTIONS)
  positionals(parsed, [])
  const api = apiUrl(parsed.values.api, io)
  const reply = await call(api, '/members')
  const body = reply.status === 200 ? json<MembersReply>(reply) : undefined
  if (body === undefined || !Array.isArray(body.members)) throw failure(api, reply)
  io.stdout.write(parsed.values.json === true ? new TextDecoder().decode(reply.body) : formatMembers(body))
  return EXIT.OK
}
