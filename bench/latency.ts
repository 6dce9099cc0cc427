/**
 * `latency`: how long a put and a get take on a local 3-peer cluster
 * (N=3 R=2 W=2): sequential puts of new keys, then gets of them, then the
 * same with 16 concurrent clients; in-process through createNode() and
 * through three daemon processes over HTTP.
 */
import { runPhase } from './lib/driver.js'
import { keyChooser } from './lib/keys.js'
import { note } from './lib/progress.js'
import { printTable } from './lib/table.js'
import { barChart } from './lib/svg.js'
import { startMeshkvLibrary } from './systems/meshkv-lib.js'
import { startMeshkvDaemons } from './systems/meshkv.js'
import { Skipped } from './systems/system.js'
import type { Benchmark } from './lib/bench.js'
import type { PhaseResult } from './lib/driver.js'
import type { KvSystem, SystemOptions } from './systems/system.js'

const MODES: Record<string, (o: SystemOptions) => Promise<KvSystem>> = {
  library: startMeshkvLibrary,
  daemon: startMeshkvDaemons
}

export interface LatencyRow {
  mode: string
  concurrency: number
  op: 'put' | 'get'
  ops: number
  throughput: number
  errors: number
  p50: number
  p95: number
  p99: number
  p999: number
  mean: number
  max: number
}

export const latency: Benchmark = {
  name: 'latency',
  summary: 'put/get latency on a local 3-peer cluster (N=3 R=2 W=2), in-process and through daemons',
  options: {
    ops: { type: 'string', default: '2000', help: 'operations per phase (puts, then gets; each sequentially and concurrently)' },
    'value-size': { type: 'string', default: '100', help: 'value size in bytes' },
    concurrency: { type: 'string', default: '16', help: 'clients of the concurrent variant' },
    modes: { type: 'string', default: 'library,daemon', help: 'library (createNode in this process) and/or daemon (3 processes over HTTP)' },
    'max-seconds': { type: 'string', default: '120', help: 'upper bound on each phase' }
  },
  async run (args, ctx) {
    const ops = args.num('ops', 1, 1e7)
    const valueSize = args.num('value-size', 0, 1024 * 1024)
    const concurrency = args.num('concurrency', 1, 1024)
    const maxMs = args.num('max-seconds', 1, 3600) * 1000
    const modes = args.list('modes')
    for (const m of modes) if (MODES[m] === undefined) throw new Error(`unknown mode ${m}: use ${Object.keys(MODES).join(', ')}`)
    const value = new Uint8Array(valueSize).fill(0x62)
    const rows: LatencyRow[] = []
    const skipped: Array<{ mode: string, why: string }> = []
    for (const mode of modes) {
      note(`latency: starting ${mode} cluster ...`)
      let system: KvSystem
      try {
        system = await MODES[mode]({ clients: concurrency, valueSize, install: false, opTimeoutMs: 5_000 })
      } catch (err) {
        if (!(err instanceof Skipped)) throw err
        note(`latency: ${mode} skipped: ${err.message}`)
        skipped.push({ mode, why: err.message })
        continue
      }
      try {
        let from = 0
        const pick = keyChooser('uniform', ops)
        for (const clients of [1, concurrency]) {
          const start = from
          const base = { records: ops, value, clients, durationMs: maxMs, maxOps: ops, seed: 7 + clients, choose: pick }
          const put = await runPhase(system, { ...base, label: `put c=${clients}`, readFraction: 0, insert: true, insertFrom: start })
          // reads of the keys just written, in random order
          const get = await runPhase(system, { ...base, label: `get c=${clients}`, readFraction: 1, choose: r => start + pick(r) })
          from += ops
          rows.push(row(mode, clients, 'put', put), row(mode, clients, 'get', get))
        }
      } finally {
        await system.stop()
      }
    }
    printTable({
      title: `meshkv latency, ms (3 peers, N=3 R=2 W=2, ${ops} ops per row, ${valueSize} B values)`,
      columns: ['mode', 'clients', 'op', 'ops/s', 'p50', 'p95', 'p99', 'p99.9', 'max', 'errors'],
      rows: rows.map(r => [r.mode, r.concurrency, r.op, r.throughput, r.p50, r.p95, r.p99, r.p999, r.max, r.errors])
    })
    for (const s of skipped) process.stdout.write(`skipped ${s.mode}: ${s.why}\n`)
    if (rows.length > 0) {
      const groups = rows.map(r => `${r.mode} ${r.op} c=${r.concurrency}`)
      await ctx.svg('latency', barChart({
        title: 'meshkv put/get latency (ms)',
        yLabel: 'ms',
        groups,
        series: [{ name: 'p50', values: rows.map(r => r.p50) }, { name: 'p99', values: rows.map(r => r.p99) }]
      }))
    }
    return { ops, valueSize, concurrency, rows, skipped }
  }
}

function row (mode: string, concurrency: number, op: 'put' | 'get', r: PhaseResult): LatencyRow {
  const s = op === 'put' ? r.perOp.insert : r.perOp.read
  return {
    mode,
    concurrency,
    op,
    ops: s?.count ?? 0,
    throughput: r.throughput,
    errors: r.errors + (s?.notFound ?? 0),
    p50: s?.p50 ?? 0,
    p95: s?.p95 ?? 0,
    p99: s?.p99 ?? 0,
    p999: s?.p999 ?? 0,
    mean: s?.mean ?? 0,
    max: s?.max ?? 0
  }
}
