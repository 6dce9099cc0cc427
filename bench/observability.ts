/**
 * `observability`: what metrics, request ids and tracing cost on the hot
 * path. Micro: ns per call of what every client request and every served
 * kv request now does (a request id made or checked, a histogram observed,
 * a span when tracing is on). Macro: sequential put latency on an
 * in-process 3-peer cluster (N=3 R=2 W=2) with libp2p's Prometheus metrics
 * off and on, and with spans exported to a local OTLP sink, the variants
 * interleaved over several rounds so machine noise hits them alike.
 */
import { createServer } from 'node:http'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { createNode } from '../src/node.js'
import { MetricsRegistry } from '../src/metrics.js'
import { newRequestId, traceFromWire, validRequestId } from '../src/observability/request-trace.js'
import { Tracing } from '../src/observability/tracing.js'
import { libp2pPrometheus } from '../src/daemon/prometheus.js'
import { onCleanup } from './lib/cleanup.js'
import { tempDir, waitFor } from './lib/procs.js'
import { note } from './lib/progress.js'
import { printTable } from './lib/table.js'
import type { AddressInfo } from 'node:net'
import type { Benchmark } from './lib/bench.js'
import type { MeshNode, NodeOptions } from '../src/node.js'

/** ns per call of fn, the best of `rounds` runs of `n` calls */
function nsPerCall (n: number, rounds: number, fn: (i: number) => void): number {
  let best = Infinity
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn(i)
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n)
  }
  return Math.round(best)
}

function micro (n: number): Array<{ what: string, ns: number }> {
  const m = new MetricsRegistry()
  const id = newRequestId()
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  const off = new Tracing()
  const on = new Tracing(new BasicTracerProvider().getTracer('bench'))
  const sink: unknown[] = []
  return [
    { what: 'metrics.observe (2 labels)', ns: nsPerCall(n, 5, i => { m.observe('meshkv_bench_ms', { op: 'put', outcome: 'ok' }, i % 50) }) },
    { what: 'metrics.inc (1 label)', ns: nsPerCall(n, 5, () => { m.inc('meshkv_bench_total', { op: 'put' }) }) },
    { what: 'newRequestId()', ns: nsPerCall(n, 5, () => { sink[0] = newRequestId() }) },
    { what: 'validRequestId(32 hex)', ns: nsPerCall(n, 5, () => { sink[0] = validRequestId(id) }) },
    { what: 'traceFromWire(id, traceparent)', ns: nsPerCall(n, 5, () => { sink[0] = traceFromWire(id, tp) }) },
    { what: 'span, tracing off (enabled check)', ns: nsPerCall(n, 5, () => { sink[0] = off.enabled ? off.start('put', { requestId: id }) : undefined }) },
    { what: 'span start+end, tracing on (no export)', ns: nsPerCall(Math.ceil(n / 10), 5, () => { on.start('put', { requestId: id, traceparent: tp }, 'server').end() }) }
  ]
}

type Variant = 'plain' | 'libp2p-metrics' | 'otlp'

async function cluster (variant: Variant, otlp: string): Promise<MeshNode[]> {
  const nodes: MeshNode[] = []
  for (let i = 0; i < 3; i++) {
    const extra: Partial<NodeOptions> = variant === 'libp2p-metrics' ? { libp2pMetrics: libp2pPrometheus().metrics } : variant === 'otlp' ? { otlpEndpoint: otlp } : {}
    nodes.push(await createNode({
      dataDir: await tempDir(`meshkv-obs${i}`),
      cluster: `bench-${variant}`,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: nodes.length > 0 ? [nodes[0].multiaddrs()[0]] : [],
      n: 3,
      r: 2,
      w: 2,
      ...extra
    }))
  }
  await waitFor('3 peers up', () => nodes.every(n => n.members().filter(m => m.state === 'up').length === 3), 30_000, 50)
  return nodes
}

function quantile (sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

export const observability: Benchmark = {
  name: 'observability',
  summary: 'cost of metrics, request ids and tracing: ns per call, and put latency with libp2p metrics and OTLP export off/on',
  options: {
    ops: { type: 'string', default: '1000', help: 'sequential puts per variant per round' },
    rounds: { type: 'string', default: '3', help: 'rounds; the variants are interleaved within each' },
    calls: { type: 'string', default: '1000000', help: 'calls per micro measurement' }
  },
  async run (args) {
    const ops = args.num('ops', 10, 1e6)
    const rounds = args.num('rounds', 1, 100)
    const microRows = micro(args.num('calls', 1000, 1e9))
    printTable({ title: 'per call (best of 5 runs)', columns: ['what', 'ns/call'], rows: microRows.map(r => [r.what, r.ns]) })
    // a sink that takes spans and answers 200, as a collector would
    const sink = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200); res.end('{}') }) })
    await new Promise<void>(resolve => sink.listen(0, '127.0.0.1', resolve))
    onCleanup('close the OTLP sink', async () => { sink.close() })
    const otlp = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`
    const variants: Variant[] = ['plain', 'libp2p-metrics', 'otlp']
    const samples = new Map<Variant, number[]>(variants.map(v => [v, []]))
    const value = new Uint8Array(100).fill(0x62)
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        note(`observability: round ${r + 1}/${rounds}, ${v} ...`)
        const nodes = await cluster(v, otlp)
        try {
          for (let i = 0; i < 100; i++) await nodes[i % 3].put(`warm-${i}`, value)
          for (let i = 0; i < ops; i++) {
            const t = performance.now()
            await nodes[i % 3].put(`k-${r}-${i}`, value)
            samples.get(v)?.push(performance.now() - t)
          }
        } finally {
          await Promise.allSettled(nodes.map(async n => { await n.stop() }))
        }
      }
    }
    sink.close()
    const macroRows = variants.map(v => {
      const s = [...(samples.get(v) ?? [])].sort((a, b) => a - b)
      const mean = s.reduce((a, b) => a + b, 0) / s.length
      return { variant: v, ops: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), mean }
    })
    printTable({ title: 'sequential put latency, 3 peers in-process, N=3 R=2 W=2 (ms)', columns: ['variant', 'puts', 'p50', 'p90', 'p99', 'mean'], rows: macroRows.map(r => [r.variant, r.ops, r.p50, r.p90, r.p99, r.mean]) })
    return { micro: microRows, putLatencyMs: macroRows }
  }
}
