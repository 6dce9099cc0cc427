/**
 * Load shedding at the HTTP API: a real daemon with maxInflight 2 under a
 * burst answers some requests 429 with Retry-After (ERR_OVERLOADED) and
 * none with a 5xx; a client over its rate is refused with a Retry-After of
 * its wait, others are not.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '../fixtures/cluster.js'
import { startDaemon, stopAll } from '../fixtures/daemon.js'
import { createNode } from '../../src/node.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import type { Daemon } from '../fixtures/daemon.js'

describe('a saturated daemon', () => {
  let daemon: Daemon
  let dir: string
  before(async () => {
    dir = await tempDir('meshkv-overload-')
    daemon = await startDaemon({ dir, cluster: 'overload', config: { n: 1, r: 1, w: 1, maxInflight: 2 } })
  })
  after(async () => {
    await stopAll([daemon])
    await rm(dir, { recursive: true, force: true })
  })

  test('answers a burst with 200s and 429s carrying Retry-After, never a 5xx', async () => {
    const value = 'x'.repeat(16 * 1024)
    const replies = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const res = await fetch(`${daemon.api}/kv/burst-${i}`, { method: 'PUT', body: value, headers: { 'x-request-id': `burst-${i}` } })
      return { status: res.status, retryAfter: res.headers.get('retry-after'), requestId: res.headers.get('x-request-id'), i, body: await res.text() }
    }))
    const statuses = new Map<number, number>()
    for (const r of replies) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
    assert.ok(!replies.some(r => r.status >= 500), `no 5xx: ${JSON.stringify([...statuses])}`)
    const refused = replies.filter(r => r.status === 429)
    assert.ok(refused.length > 0, `some 429: ${JSON.stringify([...statuses])}`)
    assert.ok(replies.some(r => r.status === 200))
    for (const r of refused) {
      assert.equal(r.retryAfter, '1')
      // a refused request is still a request with its id, given back like any reply's
      assert.equal(r.requestId, `burst-${r.i}`)
      const { error } = JSON.parse(r.body) as { error: { code: string, message: string, retryAfterSec: number } }
      assert.equal(error.code, 'ERR_OVERLOADED')
      assert.equal(error.retryAfterSec, 1)
      assert.match(error.message, /saturated: \d+ client requests in flight \(maxInflight 2\)/)
    }
    // an operator still sees it
    assert.equal((await fetch(`${daemon.api}/status`)).status, 200)
    const metrics = await (await fetch(`${daemon.api}/metrics`)).text()
    assert.match(metrics, /meshkv_http_refused_total\{reason="inflight"\} \d+/)
  })
})

describe('per-client rate limit', () => {
  test('a client past its burst is refused with the wait in Retry-After (per address: see units.test.ts)', async () => {
    const dir = await tempDir('meshkv-rate-')
    const node = await createNode({ dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], n: 1, r: 1, w: 1 })
    const log = createLog('error', { write: () => {} })
    const api = await startHttpApi({ node, host: '127.0.0.1', port: 0, log, protection: { clientRatePerSec: 0.25, clientBurst: 3 } })
    try {
      const statuses: number[] = []
      let last: Response | undefined
      for (let i = 0; i < 5; i++) {
        last = await fetch(`${api.url}/kv/k${i}`, { method: 'PUT', body: 'v' })
        statuses.push(last.status)
        if (last.status !== 429) await last.arrayBuffer()
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429])
      assert.equal(last!.headers.get('retry-after'), '4')
      const { error } = await last!.json() as { error: { code: string, message: string } }
      assert.equal(error.code, 'ERR_OVERLOADED')
      assert.match(error.message, /over its rate of 0.25 requests a second \(burst 3\)/)
      assert.equal((await fetch(`${api.url}/status`)).status, 200, '/status is never limited')
    } finally {
      await api.close(100)
      await node.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('the adaptive in-flight limit from the config file', () => {
  test('on by default (it starts at 64 under maxInflight); inflightTargetMs 0 leaves maxInflight alone', async () => {
    const dirs = [await tempDir('meshkv-limit-on-'), await tempDir('meshkv-limit-off-')]
    const on = await startDaemon({ dir: dirs[0], cluster: 'limit-on', config: { n: 1, r: 1, w: 1, maxInflight: 100 } })
    const off = await startDaemon({ dir: dirs[1], cluster: 'limit-off', config: { n: 1, r: 1, w: 1, maxInflight: 100, inflightTargetMs: 0 } })
    try {
      const limit = async (d: Daemon): Promise<string | undefined> => /^meshkv_http_inflight\{what="limit"\} (\d+)$/m.exec(await (await fetch(`${d.api}/metrics`)).text())?.[1]
      assert.equal(await limit(on), '64')
      assert.equal(await limit(off), '100')
    } finally {
      await stopAll([on, off])
      await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
    }
  })
})

describe('per-client rate limit from the config file', () => {
  test('a daemon with clientRatePerSec 0.5 and clientBurst 2 refuses the third request at once, Retry-After 2', async () => {
    const dir = await tempDir('meshkv-rate-config-')
    const daemon = await startDaemon({ dir, cluster: 'rate-config', config: { n: 1, r: 1, w: 1, clientRatePerSec: 0.5, clientBurst: 2 } })
    try {
      // the fixture's readiness probes went to /status, which is never limited
      const statuses: number[] = []
      let last: Response | undefined
      for (let i = 0; i < 3; i++) {
        last = await fetch(`${daemon.api}/kv/r${i}`, { method: 'PUT', body: 'v' })
        statuses.push(last.status)
        if (i < 2) await last.arrayBuffer()
      }
      assert.deepEqual(statuses, [200, 200, 429])
      assert.equal(last!.headers.get('retry-after'), '2')
      const { error } = await last!.json() as { error: { code: string, message: string } }
      assert.equal(error.code, 'ERR_OVERLOADED')
      assert.match(error.message, /over its rate of 0.5 requests a second \(burst 2\)/)
    } finally {
      await stopAll([daemon])
      await rm(dir, { recursive: true, force: true })
    }
  })
})
