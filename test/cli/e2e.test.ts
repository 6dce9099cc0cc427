/**
 * The CLI end to end, as a user runs it: `meshkv daemon` as a process on
 * free ports, then put/get/del/status as processes against it; a SIGTERM
 * stops it cleanly (exit 0) and a restart on the same data dir has the data.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { tempDir } from '../fixtures/cluster.js'
import { apiPortOf, cli, startDaemon, stopAll, tcpPortOf } from '../fixtures/daemon.js'
import type { Daemon } from '../fixtures/daemon.js'

function logLines (d: Daemon): Array<Record<string, unknown>> {
  return d.logs().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>)
}

describe('meshkv daemon and the client verbs, single peer', () => {
  const daemons: Daemon[] = []
  let dir: string
  let d: Daemon
  before(async () => {
    dir = await tempDir('meshkv-e2e-')
    d = await startDaemon({ dir, cluster: 'e2e', config: { n: 1, r: 1, w: 1 } })
    daemons.push(d)
  })
  after(async () => {
    await stopAll(daemons)
    await rm(dir, { recursive: true, force: true })
  })

  test('the start is logged as one JSON line with the peer, its addresses and single-peer mode', () => {
    const started = logLines(d).find(l => l.msg === 'started')
    assert.ok(started !== undefined, d.logs())
    assert.equal(started.level, 'info')
    assert.equal(started.peerId, d.peerId)
    assert.equal(started.api, d.api)
    assert.deepEqual(started.quorums, { n: 1, r: 1, w: 1 })
    assert.match(String(started.mode), /single-peer mode: n=r=w=1, no replication/)
  })

  test('status, as JSON and for people', async () => {
    const res = await cli(['status', '--json', '--api', d.api])
    assert.equal(res.code, 0, res.stderr)
    const s = JSON.parse(res.stdout)
    assert.equal(s.peerId, d.peerId)
    assert.equal(s.cluster, 'e2e')
    assert.ok(s.multiaddrs.every((a: string) => a.endsWith(`/p2p/${s.peerId}`)))
    assert.deepEqual(s.members.map((m: { id: string, state: string }) => [m.id, m.state]), [[d.peerId, 'up']])
    assert.deepEqual(s.quorums, { n: 1, r: 1, w: 1 })
    assert.equal(s.ringSize, 1)
    assert.deepEqual(s.tombstones, { pending: 0, collected: 0 })
    assert.deepEqual({ pending: s.hints.pending, byOwner: s.hints.byOwner, delivered: s.hints.delivered }, { pending: 0, byOwner: {}, delivered: 0 })
    const human = await cli(['status'], undefined, { MESHKV_API: d.api })
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, new RegExp(`^peer +${d.peerId}$`, 'm'))
    assert.match(human.stdout, /^quorums +n=1 r=1 w=1 \(single-peer mode: no replication\)$/m)
    assert.match(human.stdout, new RegExp(`^  ${d.peerId} +up +self`, 'm'))
    assert.match(human.stdout, /^deletes +0 pending, 0 collected \(no pass yet\)$/m)
    assert.match(human.stdout, /^hints +0 pending, 0 delivered/m)
  })

  test('put, get, del through processes, with exit codes', async () => {
    const put = await cli(['put', 'greeting', 'hello world', '--api', d.api])
    assert.equal(put.code, 0, put.stderr)
    const context = put.stdout.trim()
    assert.match(put.stdout, /^\S+\n$/, 'put prints the new context')
    const get = await cli(['get', 'greeting', '--api', d.api])
    assert.equal(get.code, 0, get.stderr)
    assert.equal(get.stdout, 'hello world', 'the bare value, no newline added')
    const asJson = await cli(['get', 'greeting', '--json', '--api', d.api])
    const body = JSON.parse(asJson.stdout)
    assert.deepEqual(body.values, [Buffer.from('hello world').toString('base64')])
    assert.equal(body.context, context)
    assert.equal(body.found, true)
    const missing = await cli(['get', 'no-such-key', '--api', d.api])
    assert.equal(missing.code, 1)
    assert.equal(missing.stdout, '')
    assert.match(missing.stderr, /key not found: no-such-key/)
    const del = await cli(['del', 'greeting', '--context', context, '--json', '--api', d.api])
    assert.equal(del.code, 0, del.stderr)
    assert.deepEqual(JSON.parse(del.stdout).acked, [d.peerId])
    assert.equal((await cli(['get', 'greeting', '--api', d.api])).code, 1)
    assert.equal((await cli(['put', 'doomed', 'x', '--api', d.api])).code, 0)
    assert.equal((await cli(['del', 'doomed', '--api', d.api])).code, 0)
    assert.equal((await cli(['get', 'doomed', '--api', d.api])).code, 1, 'del without --context deletes what it reads')
    assert.equal((await cli(['del', 'never-there', '--api', d.api])).code, 0, 'deleting a missing key is not an error')
    const tooMany = await cli(['put', 'k', 'v', '--w', '2', '--api', d.api])
    assert.equal(tooMany.code, 2, 'a quorum above n is the caller\'s mistake')
    assert.match(tooMany.stderr, /w must be a whole number from 1 to 1/)
  })

  test('a value from stdin keeps its bytes; an oversized one is refused', async () => {
    const bytes = Buffer.from([0, 1, 2, 10, 13, 255, 254, 0])
    assert.equal((await cli(['put', 'bin', '--api', d.api], bytes)).code, 0)
    const got = await cli(['get', 'bin', '--json', '--api', d.api])
    assert.deepEqual(Buffer.from(JSON.parse(got.stdout).values[0], 'base64'), bytes)
    const big = await cli(['put', 'big', '--api', d.api], Buffer.alloc(1024 * 1024 + 1))
    assert.equal(big.code, 2, big.stderr)
    assert.match(big.stderr, /ERR_PAYLOAD_TOO_LARGE/)
  })

  test('siblings are printed each with a newline, and said so; --context resolves them', async () => {
    assert.equal((await cli(['put', 'twin', 'left', '--api', d.api])).code, 0)
    assert.equal((await cli(['put', 'twin', 'right', '--api', d.api])).code, 0)
    const got = await cli(['get', 'twin', '--api', d.api])
    assert.equal(got.code, 0, got.stderr)
    assert.deepEqual(got.stdout.split('\n').sort(), ['', 'left', 'right'])
    const ctx = /^2 siblings; write with --context (\S+) to resolve$/m.exec(got.stderr)?.[1]
    assert.ok(ctx !== undefined, got.stderr)
    assert.equal((await cli(['put', 'twin', 'both', '--context', ctx, '--api', d.api])).code, 0)
    assert.equal((await cli(['get', 'twin', '--api', d.api])).stdout, 'both')
  })

  test('SIGTERM stops it cleanly (exit 0); restarted on its data dir, it has the data', async () => {
    assert.equal((await cli(['put', 'kept', 'across restarts', '--api', d.api])).code, 0)
    d.proc.kill('SIGTERM')
    assert.equal(await d.exited, 0, d.logs())
    assert.ok(logLines(d).some(l => l.msg === 'stopped'))
    assert.equal((await cli(['status', '--api', d.api])).code, 3, 'nothing answers once it stopped')
    const back = await startDaemon({ dir, cluster: 'e2e', config: { n: 1, r: 1, w: 1 }, apiPort: apiPortOf(d), tcpPort: tcpPortOf(d) })
    daemons.push(back)
    assert.equal(back.peerId, d.peerId, 'the identity is kept in the data dir')
    const got = await cli(['get', 'kept', '--api', back.api])
    assert.equal(got.code, 0, got.stderr)
    assert.equal(got.stdout, 'across restarts')
    assert.equal((await cli(['get', 'twin', '--api', back.api])).stdout, 'both')
  })
})

describe('meshkv daemon refusing to start', () => {
  let dir: string
  before(async () => { dir = await tempDir('meshkv-e2e-bad-') })
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  test('a bad config exits 2 naming the key, before anything starts', async () => {
    const config = join(dir, 'bad.json')
    await writeFile(config, JSON.stringify({ n: 3, w: 5, dataDir: join(dir, 'data') }))
    const res = await cli(['daemon', '--config', config])
    assert.equal(res.code, 2)
    assert.match(res.stderr, new RegExp(`config ${config}: w: must be a whole number from 1 to n=3, got 5`))
  })

  test('an API address in use exits 5 and says so', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => { blocker.listen(0, '127.0.0.1', resolve) })
    try {
      const port = (blocker.address() as { port: number }).port
      const res = await cli(['daemon', '--data', join(dir, 'data'), '--api', `127.0.0.1:${port}`, '--listen', '/ip4/127.0.0.1/tcp/0'])
      assert.equal(res.code, 5, res.stderr)
      const failed = res.stderr.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l)).find(l => l.msg === 'failed to start')
      assert.match(failed?.hint ?? '', /already in use/)
    } finally {
      blocker.close()
    }
  })
})
