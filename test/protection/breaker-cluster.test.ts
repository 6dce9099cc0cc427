/**
 * The circuit breaker with real daemons: a peer stopped with SIGSTOP (up to
 * membership for a while, silent to requests) times out a few requests,
 * then its breaker opens and requests involving it fail over (or fail) at
 * once instead of waiting out their deadline; writes and reads at the usual
 * quorums keep succeeding. Once it runs again, a half-open probe closes
 * the breaker.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { startDaemon, stopAll } from '../fixtures/daemon.js'
import type { Daemon } from '../fixtures/daemon.js'

const REQUEST_TIMEOUT_MS = 1500

interface Status { peerId: string, members: Array<{ id: string, state: string }>, breakers?: Record<string, { state: string }> }

describe('circuit breaker against a stalled peer', () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  before(async () => {
    // membership slow to call the stalled peer down, so requests keep going to it: the breaker's job
    const config = { n: 3, r: 2, w: 2, requestTimeoutMs: REQUEST_TIMEOUT_MS, breakerFailures: 2, breakerOpenMs: 4000, memberTimeoutMs: 120_000, phiThreshold: 100, antiEntropyIntervalMs: 0 }
    for (let i = 0; i < 3; i++) {
      const dir = await tempDir('meshkv-breaker-')
      dirs.push(dir)
      daemons.push(await startDaemon({ dir, cluster: 'breaker', config, bootstrap: i === 0 ? [] : [daemons[0].multiaddrs[0]] }))
    }
    await waitFor('3 members up', async () => {
      const all = await Promise.all(daemons.map(async d => await (await fetch(`${d.api}/status`)).json() as Status))
      return all.every(s => s.members.filter(m => m.state === 'up').length === 3)
    }, 30_000, 200)
  })
  after(async () => {
    for (const d of daemons) d.proc.kill('SIGCONT')
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => rm(d, { recursive: true, force: true })))
  })

  test('opens after a few timeouts, then fails fast; a probe closes it once the peer runs again', async () => {
    const [a, , stalled] = daemons
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${a.api}/kv/k${i}`, { method: 'PUT', body: `v${i}` })).status, 200)
    stalled.proc.kill('SIGSTOP')
    // r=3 needs the stalled peer: these wait out the deadline until the breaker opens
    let opened = false
    for (let i = 0; i < 6 && !opened; i++) {
      const res = await fetch(`${a.api}/kv/k${i % 5}?r=3`)
      assert.equal(res.status, 503)
      await res.arrayBuffer()
      const status = await (await fetch(`${a.api}/status`)).json() as Status
      opened = status.breakers?.[stalled.peerId]?.state === 'open'
    }
    assert.ok(opened, 'the stalled peer\'s breaker opened')
    // now the same read fails at once, naming the open circuit, well inside its deadline
    const started = performance.now()
    const res = await fetch(`${a.api}/kv/k0?r=3`)
    const elapsed = performance.now() - started
    const body = await res.json() as { error: { code: string, message: string } }
    assert.equal(res.status, 503)
    assert.equal(body.error.code, 'ERR_QUORUM_NOT_MET')
    assert.match(body.error.message, /circuit open/)
    assert.ok(elapsed < REQUEST_TIMEOUT_MS, `failed fast (${Math.round(elapsed)} ms)`)
    // the usual quorums go on without it
    for (let i = 0; i < 5; i++) {
      const put = await fetch(`${a.api}/kv/after-${i}`, { method: 'PUT', body: 'x' })
      assert.equal(put.status, 200, await put.text())
      const get = await fetch(`${a.api}/kv/k${i}`)
      assert.equal(get.status, 200)
      await get.arrayBuffer()
    }
    stalled.proc.kill('SIGCONT')
    // the next probe after the open period reaches it and closes the breaker
    await waitFor('an r=3 read to succeed again', async () => {
      const r = await fetch(`${a.api}/kv/k1?r=3`)
      await r.arrayBuffer()
      return r.status === 200
    }, 30_000, 250)
    const status = await (await fetch(`${a.api}/status`)).json() as Status
    assert.equal(status.breakers?.[stalled.peerId], undefined)
    const metrics = await (await fetch(`${a.api}/metrics`)).text()
    assert.match(metrics, /meshkv_breaker_transitions_total\{to="open"\} \d+/)
    assert.match(metrics, /meshkv_breaker_transitions_total\{to="closed"\} \d+/)
  })
})
