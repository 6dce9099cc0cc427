/**
 * Load alone is never a 5xx: three real daemons (3/2/2, default maxInflight)
 * hammered by many concurrent clients spread over them (each daemon a
 * coordinator under load and a replica of the others'), each client on its
 * own connection, doing puts and gets for a few seconds. Every request gets
 * an HTTP answer (no connection refused or reset), none of them a 5xx; what
 * the peers cannot take now is a 429 with Retry-After.
 *
 * Before the adaptive in-flight limit (src/daemon/adaptive-limit.ts), 1500
 * clients on this shared 2-core box got 29 503s in 10 s: 500 requests in
 * flight per daemon at about 100 operations a second each is 5 s of
 * latency (Little's law), the deadline; replica requests timed out, circuit
 * breakers opened, quorums failed. MESHKV_HAMMER_SPREAD=0 hammers one daemon only.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { startDaemon, stopAll } from '../fixtures/daemon.js'
import type { Daemon } from '../fixtures/daemon.js'

/** more clients than a daemon's API keeps connections (1024), each with its own */
const CLIENTS = Number(process.env.MESHKV_HAMMER_CLIENTS ?? 1500)
const SECONDS = Number(process.env.MESHKV_HAMMER_SECONDS ?? 8)

interface Reply { status: number, retryAfter?: string, body: string }

function send (agent: Agent, url: string, method: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }, signal: AbortSignal.timeout(30_000) }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: text }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('daemons hammered by many concurrent clients', () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  before(async () => {
    for (let i = 0; i < 3; i++) dirs.push(await tempDir('meshkv-hammer-'))
    const config = { n: 3, r: 2, w: 2 }
    daemons.push(await startDaemon({ dir: dirs[0], cluster: 'hammer', config }))
    daemons.push(...await Promise.all([1, 2].map(async i => startDaemon({ dir: dirs[i], cluster: 'hammer', config, bootstrap: [daemons[0].multiaddrs[0]] }))))
    await waitFor('3 members up', async () => {
      const s = await (await fetch(`${daemons[0].api}/status`)).json() as { members: Array<{ state: string }> }
      return s.members.filter(m => m.state === 'up').length === 3
    }, 30_000, 200)
  })
  after(async () => {
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  test(`${CLIENTS} clients at once for ${SECONDS} s: every request answered, no 5xx, the excess 429 with Retry-After`, async () => {
    const target = daemons[0].api
    const targetOf = (c: number): string => process.env.MESHKV_HAMMER_SPREAD === '0' ? target : daemons[c % daemons.length].api
    const statuses = new Map<number, number>()
    const failures = new Map<string, number>()
    const samples = new Map<number, Reply>()
    const until = performance.now() + SECONDS * 1000
    const client = async (c: number): Promise<void> => {
      // one connection per client, as so many separate clients would have
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      try {
        for (let i = 0; performance.now() < until; i++) {
          const key = `hammer-${c}-${i % 8}`
          let reply: Reply
          try {
            reply = i % 2 === 0 ? await send(agent, `${targetOf(c)}/kv/${key}`, 'PUT', `value ${c} ${i}`) : await send(agent, `${targetOf(c)}/kv/${key}`, 'GET')
          } catch (err) {
            const what = (err as NodeJS.ErrnoException).code ?? (err as Error).message
            failures.set(what, (failures.get(what) ?? 0) + 1)
            await new Promise(resolve => setTimeout(resolve, 100))
            continue
          }
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
          if (!samples.has(reply.status)) samples.set(reply.status, reply)
          if (reply.status === 429) await new Promise(resolve => setTimeout(resolve, Number(reply.retryAfter ?? 1) * 1000 * Math.random()))
        }
      } finally {
        agent.destroy()
      }
    }
    // each daemon's in-flight count and limit, once a second (printed: how the adaptive limit moved)
    const limits: string[] = []
    const sampling = (async () => {
      while (performance.now() < until) {
        await new Promise(resolve => setTimeout(resolve, 1000))
        const row = await Promise.all(daemons.map(async d => {
          const text = await (await fetch(`${d.api}/metrics`)).text().catch(() => '')
          const v = (what: string): string => new RegExp(`^meshkv_http_inflight\\{what="${what}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? '?'
          return `${v('inflight')}/${v('limit')}`
        }))
        limits.push(row.join(' '))
      }
    })()
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => client(c)))
    await sampling
    console.log(`# in flight/limit per daemon, each second: ${limits.join(' | ')}`)
    const seen = JSON.stringify({ statuses: Object.fromEntries(statuses), failures: Object.fromEntries(failures) })
    console.log(`# ${seen}`)
    assert.deepEqual([...statuses.keys()].filter(s => s >= 500), [], `no 5xx: ${seen} ${JSON.stringify(samples.get([...statuses.keys()].find(s => s >= 500) ?? 0))}`)
    assert.equal(failures.size, 0, `every request answered: ${seen}`)
    assert.ok((statuses.get(200) ?? 0) > 0, seen)
    const refused = samples.get(429)
    if (refused !== undefined) {
      assert.match(refused.retryAfter ?? '', /^\d+$/)
      assert.equal((JSON.parse(refused.body) as { error: { code: string } }).error.code, 'ERR_OVERLOADED')
    }
    // the peer is still itself: an operator reads it, a client writes to it
    assert.equal((await fetch(`${target}/status`)).status, 200)
    assert.equal((await fetch(`${target}/kv/after-the-hammer`, { method: 'PUT', body: 'v' })).status, 200)
  })
})
