/**
 * The correctness issue's items where a user meets them: the CLI and the
 * HTTP API of real daemon processes. A write shows the siblings its context
 * covers (1); a SIGSTOPped replica cannot eat a write's deadline (5);
 * Idempotency-Key makes a retry one sibling (6); a context is bound to its
 * key and a remote quorum failure keeps its detail (7).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { cli, startDaemon, stopAll } from '../../fixtures/daemon.js'
import type { Daemon } from '../../fixtures/daemon.js'

async function membersUp (d: Daemon): Promise<number> {
  const res = await fetch(`${d.api}/status`).then(async r => await r.json() as { members: Array<{ state: string }> }).catch(() => undefined)
  return res?.members.filter(m => m.state === 'up').length ?? -1
}

const kv = (d: Daemon, key: string, query = ''): string => `${d.api}/kv/${encodeURIComponent(key)}${query}`

describe('correctness through daemons (4 peers, N=3 R=2 W=2)', () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  before(async () => {
    for (let i = 0; i < 4; i++) {
      const dir = await tempDir('meshkv-correct-')
      dirs.push(dir)
      daemons.push(await startDaemon({
        dir,
        cluster: 'correct',
        bootstrap: daemons.length > 0 ? [daemons[0].multiaddrs[0]] : [],
        // a stopped peer stays in everyone's ring for the length of the test
        config: { n: 3, r: 2, w: 2, memberTimeoutMs: 120_000 }
      }))
    }
    await waitFor('all daemons see every member', async () =>
      (await Promise.all(daemons.map(membersUp))).every(n => n === 4), 30_000, 250)
  })
  after(async () => {
    for (const d of daemons) d.proc.kill('SIGCONT')
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  test('a blind put shows the siblings its context covers, on stderr and in the HTTP reply (item 1)', async () => {
    const [a, b] = daemons
    const first = await cli(['put', 'shared', 'from a', '--api', a.api])
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.stderr, '')
    const second = await cli(['put', 'shared', 'from b', '--api', b.api])
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stderr, /shared now has 2 siblings/)
    assert.match(second.stderr, /^from a$/m)
    assert.match(second.stderr, /^from b$/m)
    const res = await fetch(kv(a, 'shared'), { method: 'PUT', body: 'from http' })
    assert.equal(res.status, 200)
    const body = await res.json() as { context: string, values: string[], deletes: number }
    assert.deepEqual(body.values.map(v => Buffer.from(v, 'base64').toString()).sort(), ['from a', 'from b', 'from http'])
    assert.equal(body.deletes, 0)
    // that context replaces the three values it came with
    const resolved = await cli(['put', 'shared', 'merged', '--context', body.context, '--api', b.api])
    assert.equal(resolved.code, 0, resolved.stderr)
    assert.equal(resolved.stderr, '')
    assert.equal((await cli(['get', 'shared', '--api', a.api])).stdout, 'merged')
  })

  test('a context read from one key is refused for another, over HTTP and the CLI (item 7)', async () => {
    const [a] = daemons
    await fetch(kv(a, 'ctx-x'), { method: 'PUT', body: 'x' })
    await fetch(kv(a, 'ctx-y'), { method: 'PUT', body: 'y' })
    const x = (await fetch(kv(a, 'ctx-x'))).headers.get('x-meshkv-context') ?? ''
    assert.notEqual(x, '')
    const res = await fetch(kv(a, 'ctx-y'), { method: 'PUT', body: 'z', headers: { 'x-meshkv-context': x } })
    assert.equal(res.status, 400)
    const err = (await res.json() as { error: { code: string, message: string } }).error
    assert.equal(err.code, 'ERR_INVALID_CONTEXT')
    assert.match(err.message, /another key/)
    const viaCli = await cli(['del', 'ctx-y', '--context', x, '--api', a.api])
    assert.equal(viaCli.code, 2)
    assert.match(viaCli.stderr, /another key/)
    assert.equal(await (await fetch(kv(a, 'ctx-y'))).text(), 'y')
  })

  test('Idempotency-Key: a retried write, through the same peer or another, is one value (item 6)', async () => {
    const [a, b, c] = daemons
    const headers = { 'idempotency-key': 'order-1234' }
    for (const d of [a, a, b]) {
      const res = await fetch(kv(d, 'idem'), { method: 'PUT', body: 'paid', headers })
      assert.equal(res.status, 200, await res.clone().text())
    }
    const got = await fetch(kv(c, 'idem', '?r=3'))
    assert.equal(got.status, 200, 'one value, not siblings')
    assert.equal(await got.text(), 'paid')
    const reused = await fetch(kv(a, 'idem'), { method: 'PUT', body: 'refunded', headers })
    assert.equal(reused.status, 400)
    assert.match((await reused.json() as { error: { message: string } }).error.message, /different value/)
    const bad = await fetch(kv(a, 'idem'), { method: 'PUT', body: 'x', headers: { 'idempotency-key': 'has space' } })
    assert.equal(bad.status, 400)
    for (let i = 0; i < 2; i++) {
      const put = await cli(['put', 'idem-cli', 'once', '--idempotency-key', 'k-1', '--api', daemons[i].api])
      assert.equal(put.code, 0, put.stderr)
    }
    const once = await cli(['get', 'idem-cli', '--api', c.api])
    assert.equal(once.stdout, 'once')
  })

  test('a SIGSTOPped replica: writes with a 1000 ms deadline go on, and at w=3 a spare stands in for it (items 5, 7; sloppy quorum)', async () => {
    const [a, , , stopped] = daemons
    stopped.proc.kill('SIGSTOP')
    try {
      const keys = Array.from({ length: 40 }, (_, i) => `stopped-${i}`)
      const replies = await Promise.all(keys.map(async key => fetch(kv(a, key, '?timeout=1000'), { method: 'PUT', body: key })))
      const failed = await Promise.all(replies.filter(r => r.status !== 200).map(async r => `${r.status} ${await r.text()}`))
      assert.deepEqual(failed, [], 'every write made W=2 without the stopped peer')

      // w=3 where the stopped peer is a replica: met by sloppy quorum, a
      // spare standing in for it with a hint (the quorum failure's detail is
      // checked in test/cluster/correctness.test.ts)
      const strict = await Promise.all(Array.from({ length: 8 }, async (_, i) => fetch(kv(a, `strict-${i}`, '?w=3&timeout=1500'), { method: 'PUT', body: 'v' })))
      for (const r of strict) {
        const body = await r.text()
        assert.equal(r.status, 200, body)
        const acked = (JSON.parse(body) as { acked: string[] }).acked
        assert.equal(acked.length, 3, body)
        assert.ok(!acked.includes(stopped.peerId), body)
      }
    } finally {
      stopped.proc.kill('SIGCONT')
    }
  })
})
