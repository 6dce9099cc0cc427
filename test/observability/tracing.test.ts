/**
 * One put followed across peers (through a replica, and through a peer that
 * is not one and hands the write to a replica): its request id is in the structured log
 * lines of every replica that handled it, and with an OTLP endpoint set the
 * coordinator's and the replicas' spans reach the collector under one trace
 * id, the replicas' spans children of the coordinator's. A peer that sends
 * an oversized or malformed request id or traceparent is answered normally.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { peerIdFromString } from '@libp2p/peer-id'
import { kvProtocol } from '../../src/constants.js'
import { Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { createLog } from '../../src/daemon/log.js'
import { startCluster, bytes, tempDir, waitFor } from '../fixtures/cluster.js'
import { MeshNode } from '../../src/node.js'
import { rm } from 'node:fs/promises'
import { createRawHost, openRaw } from '../fixtures/raw-stream.js'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestCluster } from '../fixtures/cluster.js'

interface OtlpSpan { traceId: string, spanId: string, parentSpanId?: string, name: string, kind: number, peer: string }

/** A tiny OTLP/HTTP (JSON) collector: the spans it was sent, with the sending peer's id. */
async function startCollector (): Promise<{ server: Server, url: string, spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = []
  const hex = (v: unknown): string => typeof v === 'string' && /^[0-9a-f]*$/.test(v) ? v : Buffer.from(String(v ?? ''), 'base64').toString('hex')
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        for (const rs of body.resourceSpans ?? []) {
          const peer = (rs.resource?.attributes ?? []).find((a: { key: string }) => a.key === 'service.instance.id')?.value?.stringValue ?? ''
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) spans.push({ traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: s.parentSpanId === undefined || s.parentSpanId === '' ? undefined : hex(s.parentSpanId), name: s.name, kind: s.kind, peer })
          }
        }
      } catch {}
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }
}

describe('a request followed across peers', () => {
  let cluster: TestCluster
  let collector: Awaited<ReturnType<typeof startCollector>>
  const lines: string[][] = []

  before(async () => {
    collector = await startCollector()
    cluster = await startCluster(0)
    for (let i = 0; i < 3; i++) {
      const mine: string[] = []
      lines.push(mine)
      await cluster.add({ n: 3, r: 2, w: 2, otlpEndpoint: collector.url, requestLog: createLog('debug', { write: (l: string) => mine.push(l) }) })
    }
    await cluster.converged(3)
  })

  after(async () => {
    await cluster?.stop()
    collector?.server.close()
  })

  const entries = (i: number): Array<Record<string, unknown>> => lines[i].map(l => JSON.parse(l) as Record<string, unknown>)

  test('the request id is in the log lines of every replica that handled the put', async () => {
    const [a] = cluster.nodes
    const requestId = 'put-followed-1'
    await a.put('followed', bytes('v'), { requestId, w: 3 })
    await waitFor('every peer to log the request', () => [0, 1, 2].every(i => entries(i).some(e => e.req === requestId)), 5_000)
    const coordinated = entries(0).find(e => e.req === requestId && e.msg === 'request coordinated')
    assert.equal(coordinated?.op, 'put')
    assert.equal(coordinated?.outcome, 'ok')
    for (const i of [1, 2]) {
      const served = entries(i).filter(e => e.req === requestId)
      assert.ok(served.some(e => e.msg === 'kv request served' && e.type === 'SYNC' && e.key === 'followed' && e.outcome === 'ok'), JSON.stringify(served))
    }
    // a get is followed too
    await a.get('followed', { requestId: 'get-followed-1', r: 3 })
    await waitFor('the get on the other peers', () => [1, 2].every(i => entries(i).some(e => e.req === 'get-followed-1' && e.type === 'GET')), 5_000)
  })

  test('spans of coordinator and replicas share the trace id, the replicas\' children of the coordinator\'s', async () => {
    const [a, b, c] = cluster.nodes
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    await a.put('traced', bytes('v'), { requestId: 'put-traced-1', traceparent: parent, w: 3 })
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    await waitFor('spans from all three peers', () => {
      const peers = new Set(collector.spans.filter(s => s.traceId === traceId).map(s => s.peer))
      return peers.size === 3
    }, 10_000)
    const spans = collector.spans.filter(s => s.traceId === traceId)
    const root = spans.find(s => s.peer === a.peerId && s.name === 'put')
    assert.ok(root, JSON.stringify(spans))
    assert.equal(root.parentSpanId, '00f067aa0ba902b7', 'the client\'s traceparent is the coordinator span\'s parent')
    for (const replica of [b, c]) {
      const sync = spans.find(s => s.peer === replica.peerId && s.name === 'kv SYNC')
      assert.ok(sync, `a SYNC span from ${replica.peerId}: ${JSON.stringify(spans)}`)
      assert.equal(sync.parentSpanId, root.spanId)
    }
  })

  test('an oversized or malformed request id or traceparent from a peer is dropped, and the request served', async () => {
    const [a] = cluster.nodes
    const raw = await createRawHost()
    try {
      await raw.dial(a.libp2p.getMultiaddrs()[0])
      const s = await openRaw(raw, peerIdFromString(a.peerId), kvProtocol('test'))
      const hostile = [
        { requestId: 'x'.repeat(200_000), traceparent: 'y'.repeat(200_000) },
        { requestId: 'bad id\n{"req":"forged"}', traceparent: '00-zz-zz-01' },
        { requestId: 'ok-id-3', traceparent: '00-00000000000000000000000000000000-0000000000000000-01' }
      ]
      for (const [i, h] of hostile.entries()) await s.sendRequest({ id: i + 1, type: RequestType.GET, key: 'followed', timeout: 2_000, ...h })
      const replies = await s.collect(3, 5_000)
      assert.deepEqual(replies.map(r => r.status).sort(), [Status.OK, Status.OK, Status.OK])
      await waitFor('the served lines', () => entries(0).filter(e => e.msg === 'kv request served' && e.type === 'GET' && e.key === 'followed').length >= 3, 5_000)
      const served = entries(0).filter(e => e.msg === 'kv request served' && e.type === 'GET' && e.key === 'followed')
      assert.ok(served.every(e => e.req === undefined || e.req === 'ok-id-3' || e.req === 'get-followed-1'), JSON.stringify(served))
      assert.ok(lines[0].every(l => l.length < 10_000), 'no oversized id reached a log line')
      await s.close()
    } finally {
      await raw.stop()
    }
    // and the peer goes on serving
    await a.put('after-hostile', bytes('v'))
  })

  test('a put through a peer that is not a replica: coordinator -> kv PUT on a replica -> kv SYNC on the others, one id and one trace', async () => {
    const mine: string[] = []
    lines.push(mine)
    await cluster.add({ n: 3, r: 2, w: 2, otlpEndpoint: collector.url, requestLog: createLog('debug', { write: (l: string) => mine.push(l) }) })
    await cluster.converged(4)
    const [a] = cluster.nodes
    let key = ''
    for (let i = 0; key === ''; i++) if (!a.preferenceList(`fwd-${i}`).includes(a.peerId)) key = `fwd-${i}`
    const prefs = a.preferenceList(key)
    const at = (id: string): number => cluster.nodes.findIndex(n => n.peerId === id)
    const requestId = 'put-forwarded-1'
    const parent = '00-11112222333344445555666677778888-1111222233334444-01'
    await a.put(key, bytes('v'), { requestId, traceparent: parent, w: 3 })
    await waitFor('the three replicas to log the request', () => prefs.every(p => entries(at(p)).some(e => e.req === requestId && e.msg === 'kv request served')), 5_000)
    const served = prefs.map(p => entries(at(p)).find(e => e.req === requestId && e.msg === 'kv request served'))
    // on a loaded machine a slow replica may also be backed up by a spare (another SYNC): the trace must still hold
    assert.equal(served.filter(e => e?.type === 'PUT').length, 1, JSON.stringify(served))
    assert.ok(served.filter(e => e?.type === 'SYNC').length >= 2, JSON.stringify(served))
    assert.ok(entries(0).some(e => e.req === requestId && e.msg === 'request coordinated'))
    const traceId = '11112222333344445555666677778888'
    await waitFor('four spans of the trace', () => collector.spans.filter(s => s.traceId === traceId).length >= 4, 10_000)
    const spans = collector.spans.filter(s => s.traceId === traceId)
    const root = spans.find(s => s.name === 'put' && s.peer === a.peerId)
    const put = spans.find(s => s.name === 'kv PUT')
    const syncs = spans.filter(s => s.name === 'kv SYNC')
    assert.ok(root !== undefined && put !== undefined, JSON.stringify(spans))
    assert.equal(put.parentSpanId, root.spanId)
    assert.ok(syncs.filter(s => s.parentSpanId === put.spanId).length >= 2, JSON.stringify(spans))
    for (const sync of syncs) assert.ok(sync.parentSpanId === put.spanId || sync.parentSpanId === root.spanId, JSON.stringify(spans))
  })
})

describe('tracing with a collector that is down', () => {
  test('requests succeed and the node still stops promptly', async () => {
    // a port that was just free: nothing listens there
    const probe = createServer()
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>(resolve => probe.close(() => { resolve() }))
    const dir = await tempDir()
    const node = new MeshNode({ dataDir: dir, cluster: 'down-collector', listen: ['/ip4/127.0.0.1/tcp/0'], n: 1, otlpEndpoint: `http://127.0.0.1:${port}` })
    await node.start()
    try {
      for (let i = 0; i < 20; i++) await node.put(`k${i}`, bytes('v'))
      assert.equal((await node.get('k3')).found, true)
    } finally {
      const started = Date.now()
      await node.stop()
      assert.ok(Date.now() - started < 8_000, `stop took ${Date.now() - started} ms`)
      await rm(dir, { recursive: true, force: true })
    }
  })
})
