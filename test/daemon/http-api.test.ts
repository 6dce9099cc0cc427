/**
 * The HTTP API against a real single node (LevelDB in a temp dir, libp2p on
 * 127.0.0.1): round trips, contexts, siblings, limits, bad input, routes.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../src/node.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { statusOf } from '../../src/daemon/http-io.js'
import { createLog } from '../../src/daemon/log.js'
import { DEFAULT_MAX_VALUE_BYTES, MAX_KEY_BYTES } from '../../src/constants.js'
import { InvalidKeyError, MeshError, RecordTooLargeError, TimeoutError, TooManySiblingsError } from '../../src/errors.js'
import type { MeshNode, NodeOptions } from '../../src/node.js'
import type { HttpApi } from '../../src/daemon/http-api.js'

const LIMIT = 1024
const quiet = createLog('error', { write: () => {} })

interface Peer { node: MeshNode, api: HttpApi, dir: string }

async function startPeer (options: Partial<NodeOptions>): Promise<Peer> {
  const dir = await mkdtemp(join(tmpdir(), 'meshkv-http-'))
  const node = await createNode({ dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], ...options })
  const api = await startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet })
  return { node, api, dir }
}

async function stopPeer (p: Peer | undefined): Promise<void> {
  if (p === undefined) return
  await p.api.close(100)
  await p.node.stop()
  await rm(p.dir, { recursive: true, force: true })
}

async function errorOf (res: Response): Promise<{ code: string, message: string, detail?: Record<string, unknown> }> {
  assert.match(res.headers.get('content-type') ?? '', /application\/json/)
  return ((await res.json()) as { error: { code: string, message: string } }).error
}

describe('HTTP API on a single node (n=r=w=1)', () => {
  let peer: Peer
  let base: string
  const kv = (key: string, query = ''): string => `${base}/kv/${encodeURIComponent(key)}${query}`
  before(async () => {
    peer = await startPeer({ n: 1, r: 1, w: 1, maxValueBytes: LIMIT })
    base = peer.api.url
  })
  after(async () => { await stopPeer(peer) })

  test('put, get and delete round trip, with the context in a header', async () => {
    const put = await fetch(kv('dir/sub key'), { method: 'PUT', body: 'hello' })
    assert.equal(put.status, 200)
    const written = await put.json() as { context: string, acked: string[] }
    assert.deepEqual(written.acked, [peer.node.peerId])
    assert.ok(written.context.length > 0)
    // a "/" in the key can also be written as is
    const got = await fetch(`${base}/kv/dir/sub%20key`)
    assert.equal(got.status, 200)
    assert.equal(got.headers.get('content-type'), 'application/octet-stream')
    assert.equal(got.headers.get('x-meshkv-context'), written.context)
    assert.equal(await got.text(), 'hello')
    const del = await fetch(kv('dir/sub key'), { method: 'DELETE', headers: { 'x-meshkv-context': written.context } })
    assert.equal(del.status, 200)
    const deleted = await del.json() as { context: string }
    const gone = await fetch(kv('dir/sub key'))
    assert.equal(gone.status, 404)
    assert.equal(gone.headers.get('x-meshkv-context'), deleted.context, 'a delete leaves a context to write over it with')
    assert.equal((await errorOf(gone)).code, 'ERR_NOT_FOUND')
  })

  test('Prefer: return=minimal: a write answers 204 with the context header and no body; the context works as the JSON one does', async () => {
    const minimal = { prefer: 'return=minimal' }
    const first = await fetch(kv('minimal'), { method: 'PUT', body: 'one', headers: minimal })
    assert.equal(first.status, 204)
    assert.equal(await first.text(), '')
    assert.equal(first.headers.get('preference-applied'), 'return=minimal')
    assert.equal(first.headers.get('x-meshkv-acked'), '1')
    assert.equal(first.headers.get('x-meshkv-siblings'), '1')
    const context = first.headers.get('x-meshkv-context') ?? ''
    assert.notEqual(context, '')
    const second = await fetch(kv('minimal'), { method: 'PUT', body: 'two', headers: { ...minimal, 'x-meshkv-context': context } })
    assert.equal(second.status, 204)
    assert.equal(second.headers.get('x-meshkv-siblings'), '1', 'the context replaced the first value')
    const got = await fetch(kv('minimal'))
    assert.equal(got.status, 200)
    assert.equal(await got.text(), 'two')
    const del = await fetch(kv('minimal'), { method: 'DELETE', headers: { ...minimal, 'x-meshkv-context': got.headers.get('x-meshkv-context') ?? '' } })
    assert.equal(del.status, 204)
    assert.equal((await fetch(kv('minimal'))).status, 404)
  })

  test('binary values come back byte for byte', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    assert.equal((await fetch(kv('bin'), { method: 'PUT', body: bytes })).status, 200)
    assert.deepEqual(new Uint8Array(await (await fetch(kv('bin'))).arrayBuffer()), bytes)
  })

  test('a missing key is 404 without a context', async () => {
    const res = await fetch(kv('never-written'))
    assert.equal(res.status, 404)
    assert.equal(res.headers.get('x-meshkv-context'), null)
    assert.match((await errorOf(res)).message, /never-written/)
  })

  test('Accept: application/json always answers JSON', async () => {
    await fetch(kv('j'), { method: 'PUT', body: 'v' })
    const res = await fetch(kv('j'), { headers: { accept: 'application/json' } })
    assert.equal(res.status, 200)
    const body = await res.json() as Record<string, unknown>
    assert.deepEqual({ ...body, context: typeof body.context }, {
      key: 'j', found: true, values: [Buffer.from('v').toString('base64')], context: 'string', deletes: 0, replicas: [peer.node.peerId]
    })
    const missing = await fetch(kv('j-missing'), { headers: { accept: 'text/html, application/json;q=0.9' } })
    assert.equal(missing.status, 404)
    assert.equal((await missing.json() as { found: boolean }).found, false)
  })

  test('two writes without a context are siblings (300); a write with their context resolves them', async () => {
    await fetch(kv('twin'), { method: 'PUT', body: 'left' })
    await fetch(kv('twin'), { method: 'PUT', body: 'right' })
    const res = await fetch(kv('twin'))
    assert.equal(res.status, 300)
    const body = await res.json() as { key: string, siblings: string[], context: string, deletes: number }
    assert.equal(body.key, 'twin')
    assert.deepEqual(body.siblings.map(s => Buffer.from(s, 'base64').toString()).sort(), ['left', 'right'])
    assert.equal(res.headers.get('x-meshkv-context'), body.context)
    assert.equal(body.deletes, 0)
    const resolved = await fetch(kv('twin'), { method: 'PUT', body: 'both', headers: { 'x-meshkv-context': body.context } })
    assert.equal(resolved.status, 200)
    const after = await fetch(kv('twin'))
    assert.equal(after.status, 200)
    assert.equal(await after.text(), 'both')
  })

  test('a body over maxValueBytes is 413; exactly the limit is fine', async () => {
    const over = await fetch(kv('big'), { method: 'PUT', body: new Uint8Array(LIMIT + 1) })
    assert.equal(over.status, 413)
    assert.equal((await errorOf(over)).code, 'ERR_PAYLOAD_TOO_LARGE')
    assert.equal((await fetch(kv('big'), { method: 'PUT', body: new Uint8Array(LIMIT) })).status, 200)
    assert.equal((await fetch(kv('big'))).headers.get('content-length'), String(LIMIT))
  })

  test('a streamed body is answered 413 as soon as it passes the limit, before it ends', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(kv('stream'), { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } }, res => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', reject)
      // the body never ends: only an early answer can settle this
      req.write(new Uint8Array(LIMIT + 100))
    })
    assert.equal(status, 413)
    assert.equal((await fetch(`${base}/status`)).status, 200, 'the API still answers')
  })

  test('bad query parameters, keys and contexts are 400 and say what is wrong', async () => {
    const cases: Array<[string, RequestInit, string, RegExp]> = [
      [kv('k', '?r=0'), {}, 'ERR_INVALID_ARGUMENT', /query parameter r must be a whole number from 1 to 1, got "0"/],
      [kv('k', '?r=abc'), {}, 'ERR_INVALID_ARGUMENT', /parameter r .*"abc"/],
      [kv('k', '?r=2'), {}, 'ERR_INVALID_ARGUMENT', /from 1 to 1, got "2"/],
      [kv('k', '?R=1'), {}, 'ERR_INVALID_ARGUMENT', /unknown query parameter "R" \(expected r, timeout\)/],
      [kv('k', '?r=1&r=1'), {}, 'ERR_INVALID_ARGUMENT', /given 2 times/],
      [kv('k', '?timeout=-1'), {}, 'ERR_INVALID_ARGUMENT', /timeout/],
      [kv('k', '?w=9'), { method: 'PUT', body: 'x' }, 'ERR_INVALID_ARGUMENT', /parameter w/],
      [kv('k', '?r=1'), { method: 'DELETE' }, 'ERR_INVALID_ARGUMENT', /unknown query parameter "r"/],
      [`${base}/kv/`, {}, 'ERR_INVALID_KEY', /empty/],
      [`${base}/kv/%E0%A4%A`, {}, 'ERR_INVALID_KEY', /percent-encoding/],
      [`${base}/kv/a%00b`, {}, 'ERR_INVALID_KEY', /control/],
      [kv('x'.repeat(MAX_KEY_BYTES + 1)), {}, 'ERR_INVALID_KEY', /over the limit/],
      [kv('k'), { method: 'PUT', body: 'x', headers: { 'x-meshkv-context': 'not a context!' } }, 'ERR_INVALID_CONTEXT', /context/]
    ]
    for (const [url, init, code, message] of cases) {
      const res = await fetch(url, init)
      assert.equal(res.status, 400, `${init.method ?? 'GET'} ${url}`)
      const err = await errorOf(res)
      assert.equal(err.code, code, url)
      assert.match(err.message, message, url)
    }
  })

  test('unknown routes are 404, wrong methods 405', async () => {
    for (const path of ['/kv', '/kvx/a', '/status/extra', '/../etc/passwd']) {
      const res = await fetch(`${base}${path}`)
      assert.equal(res.status, 404, path)
      assert.equal((await errorOf(res)).code, 'ERR_NO_ROUTE')
    }
    const post = await fetch(kv('k'), { method: 'POST', body: 'x' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, PUT, DELETE')
    assert.equal((await fetch(`${base}/status`, { method: 'DELETE' })).status, 405)
    assert.equal((await fetch(`${base}/metrics`, { method: 'PUT', body: 'x' })).status, 405)
  })

  test('garbage on the socket gets a 400 and the API goes on', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const url = new URL(base)
      const socket = connect(Number(url.port), url.hostname, () => { socket.write('NOT HTTP AT ALL\r\n\r\n') })
      let text = ''
      socket.on('data', d => { text += d.toString() })
      socket.on('end', () => { resolve(text) })
      socket.on('error', reject)
    })
    assert.match(reply, /^HTTP\/1\.1 400/)
    assert.equal((await fetch(`${base}/status`)).status, 200)
  })

  test('/status: peer id, dialable multiaddrs, members, quorums, the API URL', async () => {
    const res = await fetch(`${base}/status`)
    const s = await res.json() as { peerId: string, cluster: string, multiaddrs: string[], members: Array<{ id: string, state: string }>, quorums: object, ringSize: number, api: string }
    assert.equal(s.peerId, peer.node.peerId)
    assert.equal(s.cluster, 'default')
    assert.ok(s.multiaddrs.length > 0)
    for (const a of s.multiaddrs) assert.ok(a.endsWith(`/p2p/${s.peerId}`), a)
    assert.deepEqual(s.members.map(m => [m.id, m.state]), [[s.peerId, 'up']])
    assert.deepEqual(s.quorums, { n: 1, r: 1, w: 1 })
    assert.equal(s.ringSize, 1)
    assert.equal(s.api, base)
  })

  test('/local/:key: this replica\'s own record and the preference list, read-only', async () => {
    const none = await fetch(`${base}/local/${encodeURIComponent('local/none')}`)
    assert.equal(none.status, 200)
    assert.deepEqual(await none.json(), { key: 'local/none', peerId: peer.node.peerId, preferenceList: [peer.node.peerId], record: null })
    await fetch(kv('local/k'), { method: 'PUT', body: 'one' })
    const one = await (await fetch(`${base}/local/${encodeURIComponent('local/k')}`)).json() as { record: { entries: Array<{ actor: string, counter: number, values: Array<{ value: string | null, writeId?: string }> }> } }
    assert.equal(one.record.entries.length, 1)
    assert.equal(one.record.entries[0].counter, 1)
    assert.equal(Buffer.from(one.record.entries[0].values[0].value ?? '', 'base64').toString(), 'one')
    assert.match(one.record.entries[0].values[0].writeId ?? '', /^[0-9a-f]{32}$/)
    await fetch(kv('local/k'), { method: 'DELETE', headers: { 'x-meshkv-context': (await fetch(kv('local/k'))).headers.get('x-meshkv-context') ?? '' } })
    const dead = await (await fetch(`${base}/local/${encodeURIComponent('local/k')}`)).json() as { record: { entries: Array<{ values: Array<{ value: string | null }> }> } }
    assert.deepEqual(dead.record.entries.flatMap(e => e.values.map(v => v.value)), [null])
    assert.equal((await fetch(`${base}/local/x`, { method: 'PUT', body: 'no' })).status, 405)
    assert.equal((await fetch(`${base}/local/x?r=1`)).status, 400)
  })

  test('/metrics is Prometheus text', async () => {
    const res = await fetch(`${base}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
    const text = await res.text()
    assert.match(text, /^# TYPE meshkv_client_ms histogram$/m)
    assert.match(text, /meshkv_client_ms_count\{op="put",outcome="ok"\} \d+/)
  })
})

describe('HTTP API on a lone node that asks for 3/2/2', () => {
  let peer: Peer | undefined
  before(async () => { peer = await startPeer({ n: 3, r: 2, w: 2 }) })
  after(async () => { await stopPeer(peer) })

  test('quorum not met is 503 with who answered; never lowered unless the request asks', async () => {
    const base = peer!.api.url
    const put = await fetch(`${base}/kv/k`, { method: 'PUT', body: 'v' })
    assert.equal(put.status, 503)
    const err = await errorOf(put)
    assert.equal(err.code, 'ERR_QUORUM_NOT_MET')
    assert.equal(err.detail?.required, 2)
    assert.equal((await fetch(`${base}/kv/k`)).status, 503)
    // the failures show in /metrics: latency by operation and outcome, and the quorum failures counter
    const metrics = await (await fetch(`${base}/metrics`)).text()
    assert.match(metrics, /^meshkv_client_ms_count\{op="put",outcome="ERR_QUORUM_NOT_MET"\} 1$/m)
    assert.match(metrics, /^meshkv_client_ms_count\{op="get",outcome="ERR_QUORUM_NOT_MET"\} 1$/m)
    assert.match(metrics, /^meshkv_quorum_failures_total\{op="put"\} 1$/m)
    assert.match(metrics, /^meshkv_quorum_failures_total\{op="get"\} 1$/m)
    assert.equal((await fetch(`${base}/kv/k?w=1`, { method: 'PUT', body: 'v' })).status, 200)
    const one = await fetch(`${base}/kv/k?r=1`)
    assert.equal(one.status, 200)
    assert.equal(await one.text(), 'v')
  })
})

describe('HTTP API: a write whose record would not fit in a frame', () => {
  let peer: Peer
  before(async () => { peer = await startPeer({ n: 1, r: 1, w: 1 }) })
  after(async () => { await stopPeer(peer) })

  test('the eighth blind 1 MiB sibling is 413 ERR_RECORD_TOO_LARGE; the seven stored stay readable', async () => {
    const url = `${peer.api.url}/kv/huge`
    for (let i = 0; i < 7; i++) {
      const put = await fetch(url, { method: 'PUT', body: new Uint8Array(DEFAULT_MAX_VALUE_BYTES).fill(i + 1) })
      assert.equal(put.status, 200)
      await put.arrayBuffer()
    }
    const eighth = await fetch(url, { method: 'PUT', body: new Uint8Array(DEFAULT_MAX_VALUE_BYTES).fill(8) })
    assert.equal(eighth.status, 413)
    const error = await errorOf(eighth)
    assert.equal(error.code, 'ERR_RECORD_TOO_LARGE')
    assert.match(error.message, /resolve its siblings/)
    const got = await fetch(url, { headers: { accept: 'application/json' } })
    assert.equal(((await got.json()) as { values: string[] }).values.length, 7)
  })
})

test('error codes map to HTTP statuses', () => {
  assert.equal(statusOf(new InvalidKeyError('x')), 400)
  assert.equal(statusOf(new TooManySiblingsError(65, 64)), 409)
  assert.equal(statusOf(new TimeoutError('slow')), 504)
  assert.equal(statusOf(RecordTooLargeError.record(9e6, 8e6)), 413)
  assert.equal(statusOf(new MeshError('ERR_PROTOCOL', 'x')), 500)
  assert.equal(statusOf(new RangeError('bug')), 500)
})
