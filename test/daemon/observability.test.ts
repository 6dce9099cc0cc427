/**
 * A daemon's observability from outside: GET /metrics is one valid
 * Prometheus exposition holding libp2p's metrics and meshkv's (latency per
 * operation and outcome, members by state, phi per watched peer, queue
 * depths, keys and bytes stored); an HTTP request's id comes back in
 * `x-request-id` (the client's when well formed) and is in the debug log
 * lines of every peer that handled the request.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { startDaemon, stopAll } from '../fixtures/daemon.js'
import { parseExposition } from '../fixtures/prometheus-text.js'
import type { Daemon } from '../fixtures/daemon.js'
import { CHECKS } from '../../src/daemon/config-keys.js'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

describe('daemon metrics and request ids', () => {
  const daemons: Daemon[] = []

  before(async () => {
    const config = { n: 2, r: 1, w: 2, logLevel: 'debug' }
    const a = await startDaemon({ dir: await tempDir(), cluster: 'obs', config })
    daemons.push(a)
    daemons.push(await startDaemon({ dir: await tempDir(), cluster: 'obs', config, bootstrap: [a.multiaddrs[0]] }))
    await waitFor('two members up', async () => {
      const s = await (await fetch(`${a.api}/status`)).json() as { members: Array<{ state: string }> }
      return s.members.filter(m => m.state === 'up').length === 2
    }, 20_000)
  })

  after(async () => { await stopAll(daemons) })

  const logLines = (d: Daemon): Array<Record<string, unknown>> => d.logs().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>)

  test('a client\'s x-request-id is returned and logged by both peers; a malformed one is replaced', async () => {
    const [a, b] = daemons
    const res = await fetch(`${a.api}/kv/obs-key`, { method: 'PUT', body: 'v', headers: { 'x-request-id': 'client-req-42' } })
    assert.equal(res.status, 200, await res.text())
    assert.equal(res.headers.get('x-request-id'), 'client-req-42')
    // the HTTP line is written once the reply is sent: waited for, like the other peer's
    const logged = (d: Daemon, msg: string): boolean => logLines(d).some(e => e.req === 'client-req-42' && e.msg === msg)
    await waitFor('both peers to log the request', () => logged(a, 'request coordinated') && logged(a, 'request') && logged(b, 'kv request served'), 5_000)
    assert.ok(logLines(a).some(e => e.req === 'client-req-42' && e.msg === 'request' && e.status === 200))

    const bad = await fetch(`${a.api}/kv/obs-key`, { headers: { 'x-request-id': 'no spaces allowed' + 'x'.repeat(100) } })
    await bad.arrayBuffer()
    const given = bad.headers.get('x-request-id') ?? ''
    assert.match(given, /^[0-9a-f]{32}$/)
    const none = await fetch(`${a.api}/status`)
    await none.arrayBuffer()
    assert.match(none.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/)
  })

  test('GET /metrics: one valid exposition with libp2p\'s and meshkv\'s families', async () => {
    const [a] = daemons
    for (let i = 0; i < 5; i++) await (await fetch(`${a.api}/kv/m-${i}`, { method: 'PUT', body: `v${i}` })).arrayBuffer()
    await (await fetch(`${a.api}/kv/missing-key`)).arrayBuffer()
    const res = await fetch(`${a.api}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
    const families = parseExposition(await res.text())
    const names = [...families.keys()]
    assert.ok(names.some(n => n.startsWith('libp2p_')), `libp2p families: ${names.join(' ')}`)
    assert.ok(names.includes('process_cpu_user_seconds_total') || names.some(n => n.startsWith('nodejs_')), 'process metrics')
    const client = families.get('meshkv_client_ms')
    assert.equal(client?.type, 'histogram')
    assert.ok(client.samples.some(s => s.name === 'meshkv_client_ms_count' && s.labels.op === 'put' && s.labels.outcome === 'ok' && s.value >= 5))
    assert.ok(client.samples.some(s => s.labels.op === 'get'))
    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      families.get(name)?.samples.find(s => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
    assert.equal(value('meshkv_members', { state: 'up' }), 2)
    assert.equal(value('meshkv_members', { state: 'down' }), 0)
    assert.equal(families.get('meshkv_member_phi')?.type, 'gauge')
    assert.equal(families.get('meshkv_member_phi')?.samples.length, 1, 'phi for the one watched peer')
    assert.equal(value('meshkv_quorum_failures_total', { op: 'put' }), 0)
    assert.notEqual(value('meshkv_queue_depth', { queue: 'kv_served' }), undefined)
    assert.notEqual(value('meshkv_queue_depth', { queue: 'store_writes' }), undefined)
    assert.equal(value('meshkv_hints_pending'), 0)
    assert.notEqual(value('meshkv_hints_delivered_total'), undefined)
    assert.notEqual(value('meshkv_ae_bytes_total'), undefined)
    assert.ok((value('meshkv_keys_stored') ?? 0) >= 6)
    assert.equal(families.get('meshkv_bytes_stored')?.type, 'gauge')
    assert.equal(families.get('meshkv_rpc_sent_ms')?.type, 'histogram')
    // every family issue 12 names, by name and type, each with a sample a dashboard can find
    const issue12: Array<[what: string, name: string, type: string]> = [
      ['request latency per operation and outcome', 'meshkv_client_ms', 'histogram'],
      ['quorum failures', 'meshkv_quorum_failures_total', 'counter'],
      ['read repairs', 'meshkv_read_repairs_total', 'counter'],
      ['hints pending', 'meshkv_hints_pending', 'gauge'],
      ['hints delivered', 'meshkv_hints_delivered_total', 'counter'],
      ['anti-entropy exchanges', 'meshkv_ae_exchanges_total', 'counter'],
      ['anti-entropy bytes', 'meshkv_ae_bytes_total', 'counter'],
      ['keys stored', 'meshkv_keys_stored', 'gauge'],
      ['bytes stored', 'meshkv_bytes_stored', 'gauge'],
      ['members by state', 'meshkv_members', 'gauge'],
      ['phi per watched peer', 'meshkv_member_phi', 'gauge'],
      ['queue depths', 'meshkv_queue_depth', 'gauge']
    ]
    for (const [what, name, type] of issue12) {
      const f = families.get(name)
      assert.equal(f?.type, type, `${what}: ${name} is a ${type}`)
      assert.ok(f.samples.length > 0, `${what}: ${name} has a sample`)
    }
    assert.deepEqual(families.get('meshkv_members')?.samples.map(s => s.labels.state).sort(), ['down', 'joining', 'leaving', 'suspect', 'up'])
    assert.equal(families.get('meshkv_member_phi')?.samples[0].labels.peer, daemons[1].peerId, 'phi labelled with the watched peer\'s full id')
    assert.deepEqual(families.get('meshkv_queue_depth')?.samples.map(s => s.labels.queue).sort(), ['kv_sent', 'kv_served', 'store_writes'])
  })
})

describe('the otlpEndpoint config key', () => {
  test('an http(s) URL is taken; anything else is refused naming the key', () => {
    assert.equal(CHECKS.otlpEndpoint('http://127.0.0.1:4318', 'otlpEndpoint'), 'http://127.0.0.1:4318')
    assert.equal(CHECKS.otlpEndpoint('https://collector.example:4318/v1/traces', 'otlpEndpoint'), 'https://collector.example:4318/v1/traces')
    for (const bad of ['', 'collector:4318', 'ftp://x', 'http://' + 'a'.repeat(3000), 42, null]) {
      assert.throws(() => CHECKS.otlpEndpoint(bad, 'otlpEndpoint'), (err: Error & { code?: string }) => err.code === 'ERR_INVALID_CONFIG' && /otlpEndpoint/.test(err.message), String(bad).slice(0, 30))
    }
  })
})

describe('spans from daemons: exported when otlpEndpoint is set, off otherwise', () => {
  const daemons: Daemon[] = []
  let collector: Server
  const spans: Array<{ name: string, peer: string, traceId: string, parentSpanId: string }> = []
  // OTLP JSON writes ids as hex (some exporters as base64)
  const hex = (v: unknown): string => typeof v === 'string' && /^[0-9a-f]*$/.test(v) ? v : Buffer.from(String(v ?? ''), 'base64').toString('hex')
  before(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: Array<{ resource?: { attributes?: Array<{ key: string, value?: { stringValue?: string } }> }, scopeSpans?: Array<{ spans?: Array<{ name: string, traceId?: string, parentSpanId?: string }> }> }> }
          for (const rs of body.resourceSpans ?? []) {
            const peer = rs.resource?.attributes?.find(a => a.key === 'service.instance.id')?.value?.stringValue ?? ''
            for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ name: s.name, peer, traceId: hex(s.traceId), parentSpanId: hex(s.parentSpanId) })
          }
        } catch {}
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{}')
      })
    })
    await new Promise<void>(resolve => collector.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`
    daemons.push(await startDaemon({ dir: await tempDir(), cluster: 'otlp-on', config: { n: 1, r: 1, w: 1, otlpEndpoint: url } }))
    // the OpenTelemetry SDK's own variable is not a way in: without otlpEndpoint no tracer exists
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = url
    process.env.OTEL_TRACES_EXPORTER = 'otlp'
    try {
      daemons.push(await startDaemon({ dir: await tempDir(), cluster: 'otlp-off', config: { n: 1, r: 1, w: 1 } }))
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT
      delete process.env.OTEL_TRACES_EXPORTER
    }
  })
  after(async () => {
    await stopAll(daemons)
    collector?.closeAllConnections()
    collector?.close()
  })

  test('a put through each: the configured daemon\'s spans reach the collector (a client\'s traceparent their parent), the other sends none', async () => {
    const [on, off] = daemons
    for (const d of [off, on]) {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${d.api}/kv/t${i}`, { method: 'PUT', body: 'v' })).status, 200)
    }
    // a client's W3C traceparent header: the coordinator's span is its child, in its trace
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const res = await fetch(`${on.api}/kv/traced`, { method: 'PUT', body: 'v', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } })
    assert.equal(res.status, 200)
    await waitFor('the configured daemon\'s put spans', () => spans.filter(s => s.peer === on.peerId && s.name === 'put').length === 4, 10_000)
    const child = spans.find(s => s.traceId === traceId)
    assert.equal(child?.name, 'put')
    assert.equal(child.parentSpanId, '00f067aa0ba902b7')
    // spans are batched once a second: two more seconds for any from the other to arrive
    await new Promise(resolve => setTimeout(resolve, 2_000))
    assert.deepEqual(spans.filter(s => s.peer !== on.peerId), [])
  })
})
