/**
 * The web view's routes on a real 3-peer cluster (in-process nodes, the
 * HTTP API on the first): GET /members and GET /ring answer the shapes the
 * page and the CLI read, GET /events streams them, GET / is the page, and
 * the rest of the API is as it was.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { MAX_WATCHERS } from '../../src/daemon/http-events.js'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import type { HttpApi } from '../../src/daemon/http-api.js'
import type { MembersReply } from '../../src/daemon/http-members.js'
import type { RingReply } from '../../src/daemon/http-ring.js'
import type { TestCluster } from '../fixtures/cluster.js'

const quiet = createLog('error', { write: () => {} })
const STATES = ['joining', 'up', 'suspect', 'down', 'leaving']

/** Read server-sent events until `done` says so or the deadline passes. */
async function readEvents (url: string, done: (events: Array<{ event: string, data: unknown }>) => boolean, ms = 10_000): Promise<Array<{ event: string, data: unknown }>> {
  const ac = new AbortController()
  const timer = setTimeout(() => { ac.abort() }, ms)
  const events: Array<{ event: string, data: unknown }> = []
  try {
    const res = await fetch(url, { signal: ac.signal })
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/)
    const reader = res.body!.getReader()
    let buf = ''
    while (!done(events)) {
      const { value, done: end } = await reader.read()
      if (end) break
      buf += new TextDecoder().decode(value)
      let i
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i)
        buf = buf.slice(i + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) })
      }
    }
  } finally {
    clearTimeout(timer)
    ac.abort()
  }
  return events
}

describe('web view routes on 3 peers', () => {
  let cluster: TestCluster
  let api: HttpApi
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2, announceMs: 1000 })
    await cluster.converged(3)
    api = await startHttpApi({ node: cluster.nodes[0], host: '127.0.0.1', port: 0, log: quiet })
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${api.url}/kv/k${i}`, { method: 'PUT', body: `v${i}` })).status, 200)
  })
  after(async () => {
    await api?.close(100)
    await cluster?.stop()
  })

  test('GET /members: every member with state, phi, incarnation, zone, capacity, addresses, share, keys, hints', async () => {
    const res = await fetch(`${api.url}/members`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /application\/json/)
    const body = await res.json() as MembersReply
    assert.equal(body.peerId, cluster.nodes[0].peerId)
    assert.deepEqual(body.quorums, { n: 3, r: 2, w: 2 })
    assert.deepEqual(body.members.map(m => m.peerId).sort(), cluster.nodes.map(n => n.peerId).sort())
    assert.equal(body.members[0].self, true, 'this peer first')
    let shares = 0
    for (const m of body.members) {
      assert.ok(STATES.includes(m.state), m.state)
      assert.equal(m.state, 'up')
      assert.ok(m.phi === null || typeof m.phi === 'number')
      assert.equal(typeof m.incarnation, 'number')
      assert.equal(m.zone, null)
      assert.equal(m.capacity, 1)
      assert.ok(Array.isArray(m.addresses) && m.addresses.length > 0)
      assert.ok(m.tokens > 0)
      assert.ok(typeof m.share === 'number' && m.share > 0 && m.share < 1)
      // n = 3 of 3 peers: each holds a replica of everything
      assert.equal(m.replicaShare, 1)
      assert.equal(m.hintsPending, 0)
      shares += m.share
    }
    assert.ok(Math.abs(shares - 1) < 0.001, `shares sum to ${shares}`)
    const self = body.members.find(m => m.self)!
    assert.equal(self.keys, 10, 'this peer holds every key (n = 3)')
    assert.ok(body.members.filter(m => !m.self).some(m => m.phi !== null), 'a watched peer has a phi')
    // another member's keys are its own count, as of its last announcement (announceMs 1 s here)
    await waitFor('every member\'s keys through this peer', async () => {
      const now = await (await fetch(`${api.url}/members`)).json() as MembersReply
      return now.members.every(m => m.keys === 10)
    }, 10_000, 200)
  })

  test('GET /ring: arcs that tile the ring, with preference lists of n, and per-peer shares', async () => {
    const body = await (await fetch(`${api.url}/ring`)).json() as RingReply
    assert.equal(body.n, 3)
    assert.equal(body.merged, false)
    assert.equal(body.peers.length, 3)
    assert.equal(body.tokenTotal, body.peers.reduce((s, p) => s + p.tokens, 0))
    assert.ok(body.preferenceLists >= 1 && body.preferenceLists <= body.arcs.length)
    const ids = new Set(cluster.nodes.map(n => n.peerId))
    let covered = 0
    for (let i = 0; i < body.arcs.length; i++) {
      const a = body.arcs[i]
      assert.match(a.start, /^[0-9a-f]{16}$/)
      assert.match(a.end, /^[0-9a-f]{16}$/)
      assert.equal(a.owner, a.replicas[0])
      assert.equal(new Set(a.replicas).size, 3)
      assert.ok(a.replicas.every(r => ids.has(r)))
      // each arc starts where the one before ended
      assert.equal(a.start, body.arcs[(i + body.arcs.length - 1) % body.arcs.length].end)
      covered += a.to > a.from ? a.to - a.from : 1 - a.from + a.to
    }
    assert.ok(Math.abs(covered - 1) < 1e-6, `arcs cover ${covered} of the ring`)
    const primary = new Map<string, number>()
    for (const a of body.arcs) primary.set(a.owner, (primary.get(a.owner) ?? 0) + (a.to > a.from ? a.to - a.from : 1 - a.from + a.to))
    for (const p of body.peers) assert.ok(Math.abs(p.share - (primary.get(p.peerId) ?? 0)) < 0.001, p.peerId)
    // the preference list an arc names is the one the node uses for a key in it
    const prefs = cluster.nodes[0].preferenceList('k1')
    assert.ok(body.arcs.some(a => a.replicas.join() === prefs.join()))
  })

  test('GET / is the self-contained page; POST / is 405; unknown routes still 404', async () => {
    const res = await fetch(`${api.url}/`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/)
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/)
    const html = await res.text()
    assert.match(html, /data-peer/)
    assert.match(html, /new EventSource\('\/events'\)/)
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing loaded from elsewhere')
    assert.equal((await fetch(`${api.url}/`, { method: 'POST', body: 'x' })).status, 405)
    assert.equal((await fetch(`${api.url}/members?x=1`)).status, 400)
    for (const path of ['/index.html', '/members/x', '/ringx', '/web/index.html']) {
      const r = await fetch(`${api.url}${path}`)
      assert.equal(r.status, 404, path)
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'ERR_NO_ROUTE')
    }
    assert.equal((await fetch(`${api.url}/status`)).status, 200)
  })

  test('GET /events: the samples at once, then members and a sample every period', async () => {
    const events = await readEvents(`${api.url}/events`, evs => evs.some(e => e.event === 'sample') && evs.filter(e => e.event === 'members').length >= 2)
    assert.equal(events[0].event, 'samples')
    assert.ok(Array.isArray(events[0].data))
    const members = events.find(e => e.event === 'members')!.data as MembersReply
    assert.equal(members.members.length, 3)
    const sample = events.find(e => e.event === 'sample')!.data as { t: number, requests: number, rate: number }
    assert.equal(typeof sample.t, 'number')
    assert.equal(typeof sample.rate, 'number')
  })

  test(`GET /events: at most ${MAX_WATCHERS} watchers, then 429 with Retry-After (load is never a 5xx); a closed one frees its place`, async () => {
    const controllers: AbortController[] = []
    const held: Response[] = []
    try {
      for (let i = 0; i < MAX_WATCHERS; i++) {
        const ac = new AbortController()
        controllers.push(ac)
        // held: a response collected as garbage closes its connection, and frees a place
        const res = await fetch(`${api.url}/events`, { signal: ac.signal })
        held.push(res)
        assert.equal(res.status, 200)
      }
      const refused = await fetch(`${api.url}/events`)
      assert.equal(refused.status, 429)
      assert.equal(refused.headers.get('retry-after'), '10')
      const { error } = await refused.json() as { error: { code: string, message: string, retryAfterSec: number } }
      assert.equal(error.code, 'ERR_OVERLOADED')
      assert.equal(error.retryAfterSec, 10)
      assert.match(error.message, new RegExp(`at most ${MAX_WATCHERS} event streams at once`))
      controllers.pop()!.abort()
      let status = 0
      for (let i = 0; i < 50 && status !== 200; i++) {
        await new Promise(resolve => setTimeout(resolve, 50))
        const ac = new AbortController()
        const res = await fetch(`${api.url}/events`, { signal: ac.signal })
        status = res.status
        if (status === 200) { controllers.push(ac); held.push(res) }
        else await res.arrayBuffer()
      }
      assert.equal(status, 200)
    } finally {
      for (const ac of controllers) ac.abort()
    }
  })

  test('the request series counts /kv and /buckets/NAME/kv requests, not the web view\'s own', async () => {
    for (let i = 0; i < 5; i++) await (await fetch(`${api.url}/kv/k${i}`)).arrayBuffer()
    // a named bucket's keys are client requests too; its properties are not counted
    assert.equal((await fetch(`${api.url}/buckets/pics`, { method: 'PUT', body: '{}' })).status, 200)
    for (let i = 0; i < 3; i++) await (await fetch(`${api.url}/buckets/pics/kv/p${i}`, { method: 'PUT', body: 'v' })).arrayBuffer()
    await (await fetch(`${api.url}/buckets/pics`)).arrayBuffer()
    await (await fetch(`${api.url}/members`)).arrayBuffer()
    const events = await readEvents(`${api.url}/events`, evs => evs.some(e => e.event === 'sample'))
    const all = [...(events[0].data as Array<{ requests: number }>), ...events.filter(e => e.event === 'sample').map(e => e.data as { requests: number })]
    const total = all.reduce((s, x) => s + x.requests, 0)
    // 10 puts in before, 5 gets and 3 bucket puts here; none of the /members, /ring, /events or bucket property requests
    assert.equal(total, 18)
  })
})
