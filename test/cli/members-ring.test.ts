/**
 * `meshkv members` and `meshkv ring` against a real 3-peer cluster (in
 * process, HTTP API on the first peer): aligned tables for people, the
 * API's JSON with --json, and a clear exit 3 when no daemon answers.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { main } from '../../src/cli/main.js'
import { EXIT } from '../../src/cli/io.js'
import { formatMembers } from '../../src/cli/members.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { freePort } from '../fixtures/daemon.js'
import { startCluster } from '../fixtures/cluster.js'
import type { CliIo } from '../../src/cli/io.js'
import type { HttpApi } from '../../src/daemon/http-api.js'
import type { MembersReply } from '../../src/daemon/http-members.js'
import type { RingReply } from '../../src/daemon/http-ring.js'
import type { TestCluster } from '../fixtures/cluster.js'

interface Run { code: number, stdout: string, stderr: string }

async function run (argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : Buffer.from(c).toString() } },
    stderr: { write: (c: string) => { stderr += c } },
    stdin: (async function * () {})(),
    env: {}
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

/** Every row of a table has its cells where the header's titles are: left columns start there, right ones (`>TITLE`) end there. */
function assertAligned (lines: string[], titles: string[]): void {
  const header = lines[0]
  for (const spec of titles) {
    const right = spec.startsWith('>')
    const t = right ? spec.slice(1) : spec
    const start = header.indexOf(t)
    assert.ok(start >= 0, `header has ${t}: ${header}`)
    for (const line of lines.slice(1)) {
      const at = `column ${t} in\n${header}\n${line}`
      if (right) {
        const end = start + t.length
        assert.notEqual(line[end - 1] ?? ' ', ' ', at)
        assert.equal(line[end] ?? ' ', ' ', at)
      } else {
        assert.equal(line[start - 1] ?? ' ', ' ', at)
        assert.notEqual(line[start] ?? ' ', ' ', at)
      }
    }
  }
}

describe('meshkv members and meshkv ring on 3 peers', () => {
  let cluster: TestCluster
  let api: HttpApi
  before(async () => {
    cluster = await startCluster(0, { n: 3, r: 2, w: 2 })
    for (const zone of ['zone-a', 'zone-b', 'zone-c']) await cluster.add({ zone })
    await cluster.converged(3)
    api = await startHttpApi({ node: cluster.nodes[0], host: '127.0.0.1', port: 0, log: createLog('error', { write: () => {} }) })
    for (let i = 0; i < 5; i++) await fetch(`${api.url}/kv/k${i}`, { method: 'PUT', body: 'v' })
  })
  after(async () => {
    await api?.close(100)
    await cluster?.stop()
  })

  test('members: one aligned row per member, this peer marked, full peer ids, zones, keys', async () => {
    const r = await run(['members', '--api', api.url])
    assert.equal(r.code, EXIT.OK, r.stderr)
    const [summary, ...table] = r.stdout.trimEnd().split('\n')
    assert.match(summary, /^cluster test, 3 members \(3 up\), n=3 r=2 w=2, as seen by 12D3Koo/)
    assert.equal(table.length, 4)
    assertAligned(table, ['STATE', '>PHI', '>INC', 'ZONE', '>TOKENS', '>SHARE', '>KEYS', '>HINTS', '>SEEN', 'ADDRESS'])
    const self = cluster.nodes[0].peerId
    assert.match(table[1], new RegExp(`^\\* ${self} +up +- +\\d+ +zone-a +1 +\\d+ +\\d+\\.\\d% +5 +0 +- +/ip4/127\\.0\\.0\\.1/`))
    for (const n of cluster.nodes.slice(1)) {
      const row = table.find(l => l.includes(n.peerId))
      assert.ok(row !== undefined, `a row for ${n.peerId}`)
      assert.match(row, /^ {2}\S+ +up +\d+\.\d\d +\d+ +zone-[bc] +1 +\d+ +\d+\.\d% +\d+ +0 +(now|\d+s ago) /)
    }
  })

  test('members --json is the API\'s answer', async () => {
    const r = await run(['members', '--json', '--api', api.url])
    assert.equal(r.code, EXIT.OK)
    const body = JSON.parse(r.stdout) as MembersReply
    assert.equal(body.members.length, 3)
    assert.deepEqual(body.members.map(m => m.zone).sort(), ['zone-a', 'zone-b', 'zone-c'])
  })

  test('ring: each peer\'s tokens and shares; --arcs lists every arc with its replicas', async () => {
    const r = await run(['ring', '--api', api.url])
    assert.equal(r.code, EXIT.OK, r.stderr)
    const [summary, ...table] = r.stdout.trimEnd().split('\n')
    assert.match(summary, /^3 peers, \d+ tokens \(\d+ a unit of capacity\), n=3: \d+ arcs, \d+ distinct preference lists, as seen by /)
    assert.equal(table.length, 4)
    assertAligned(table, ['PEER', 'ZONE', '>CAP', '>TOKENS', '>PRIMARY', '>REPLICA'])
    const primary = table.slice(1).map(l => Number(/(\d+\.\d)% +100\.0%$/.exec(l)?.[1]))
    assert.ok(primary.every(p => p > 0), table.join('\n'))
    assert.ok(Math.abs(primary.reduce((a, b) => a + b, 0) - 100) < 0.5)
    const json = JSON.parse((await run(['ring', '--json', '--api', api.url])).stdout) as RingReply
    const arcs = await run(['ring', '--arcs', '--api', api.url])
    const lines = arcs.stdout.trimEnd().split('\n')
    const head = lines.findIndex(l => l.startsWith('START'))
    assert.ok(head > 0)
    assert.equal(lines.length - head - 1, json.arcs.length)
    assert.match(lines[head + 1], /^[0-9a-f]{16} +[0-9a-f]{16} +\d+\.\d% +…\S{8} …\S{8} …\S{8}$/)
  })

  test('no daemon at --api: exit 3 and a message that says what to do', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    for (const verb of ['members', 'ring']) {
      const r = await run([verb, '--api', url])
      assert.equal(r.code, EXIT.UNREACHABLE)
      assert.match(r.stderr, new RegExp(`^meshkv ${verb}: cannot reach the meshkv daemon at ${url}.*meshkv daemon\` running there`))
      assert.equal(r.stdout, '')
    }
    const bad = await run(['ring', 'extra'])
    assert.equal(bad.code, EXIT.USAGE)
  })
})

test('a member\'s announced zone cannot put control characters on the terminal', () => {
  const out = formatMembers({
    peerId: 'p1',
    cluster: 'c',
    quorums: { n: 1, r: 1, w: 1 },
    at: 0,
    hintsPending: 0,
    members: [{ peerId: 'p1', self: true, state: 'up', phi: null, incarnation: 1, zone: 'z\u001b[2J\u0007', capacity: 1, addresses: [], tokens: 1, share: 1, replicaShare: 1, keys: 0, hintsPending: 0, sinceMs: 0, lastSeenMs: 0 }]
  })
  assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f]/)
  assert.match(out, /z\?\[2J\?/)
})
