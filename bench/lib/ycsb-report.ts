/** The ycsb tables (terminal and Markdown), meshkv's ratios to each system, and the charts. */
import { printTable, renderMarkdown } from './table.js'
import { barChart } from './svg.js'
import type { Cell, Table } from './table.js'
import type { Context } from './bench.js'
import type { SystemRun } from '../ycsb.js'

export interface Setup {
  records: number
  seconds: number
  clients: number
  valueSize: number
  rate?: number
  mode: string
  workloads: string[]
  distributions: string[]
}

type Phase = SystemRun['phases'][number]

/** three significant digits, as text so 12.0 keeps its zero */
const ms = (x: number | undefined): Cell => x === undefined ? undefined : x >= 100 ? x.toFixed(0) : x.toPrecision(3)
const times = (x: number): string => `${x >= 100 ? x.toFixed(0) : x.toPrecision(2)}x`

export async function report (runs: SystemRun[], setup: Setup, ctx: Context): Promise<string> {
  const tables: Table[] = []
  const keys = setup.distributions.flatMap(d => setup.workloads.map(w => ({ w, d })))
  const loop = setup.rate === undefined ? `${setup.clients} clients, closed loop` : `open loop at ${setup.rate} ops/s, at most ${setup.clients} in flight`
  tables.push({
    title: `YCSB, ${setup.records} records of ${setup.valueSize} B, ${setup.seconds} s per workload, ${loop}; latency in ms`,
    columns: ['workload', 'system', 'ops/s', 'read p50', 'p95', 'p99', 'p99.9', 'update p50', 'p95', 'p99', 'p99.9', 'errors'],
    rows: keys.flatMap(({ w, d }) => runs.map(run => {
      const p = find(run, w, d)
      const label = `${w} ${d}`
      if (p === undefined) return [label, run.system, run.skipped !== undefined ? 'skipped' : run.failed !== undefined ? 'failed' : '-']
      const r = p.perOp.read
      const u = p.perOp.update
      return [label, run.system, p.throughput, ms(r?.p50), ms(r?.p95), ms(r?.p99), ms(r?.p999), ms(u?.p50), ms(u?.p95), ms(u?.p99), ms(u?.p999), p.errors + (r?.notFound ?? 0)]
    }))
  })
  // meshkv's rows (through HTTP, and meshkv-client) against every other system; two meshkv rows alone, against each other
  const ran = runs.filter(r => r.phases.length > 0)
  let ours = ran.filter(r => r.system.startsWith('meshkv'))
  let others = ran.filter(r => !r.system.startsWith('meshkv'))
  if (others.length === 0 && ours.length > 1) [ours, others] = [ours.slice(0, 1), ours.slice(1)]
  const mesh = ours[0]
  if (ours.length > 0 && others.length > 0) {
    tables.push({
      title: 'meshkv relative to each system (throughput: meshkv / other; latency: meshkv / other, all operations)',
      columns: ['workload', 'meshkv', 'vs', 'ops/s ratio', 'p50 ratio', 'p99 ratio'],
      rows: keys.flatMap(({ w, d }) => ours.flatMap(m => others.map(o => {
        const a = find(m, w, d)
        const b = find(o, w, d)
        if (a === undefined || b === undefined || b.throughput === 0) return [`${w} ${d}`, m.system, o.system]
        return [`${w} ${d}`, m.system, o.system, times(a.throughput / b.throughput), times(a.all.p50 / b.all.p50), times(a.all.p99 / b.all.p99)]
      })))
    })
  }
  if (runs.some(r => r.phases.some(p => p.cpuUsPerOp !== undefined))) {
    tables.push({
      title: 'server CPU per operation (µs of user + system time, all of a system\'s server processes; the driver not counted): on a shared machine, moved far less by others\' load than throughput is',
      columns: ['workload', ...runs.map(r => r.system), ...others.map(o => `${mesh?.system ?? 'meshkv'} / ${o.system}`)],
      rows: keys.map(({ w, d }) => {
        const cpu = (run: SystemRun): number | undefined => find(run, w, d)?.cpuUsPerOp
        const m = mesh === undefined ? undefined : cpu(mesh)
        return [`${w} ${d}`, ...runs.map(r => cpu(r)), ...others.map(o => {
          const x = cpu(o)
          return m === undefined || x === undefined || x === 0 ? undefined : times(m / x)
        })]
      })
    })
  }
  if (runs.some(r => r.phases.some(p => p.driverCpuUsPerOp !== undefined))) {
    tables.push({
      title: 'driver CPU per operation (µs of user + system time of the bench process: the YCSB loop and the system\'s client; meshkv-client coordinates every request here)',
      columns: ['workload', ...runs.map(r => r.system)],
      rows: keys.map(({ w, d }) => [`${w} ${d}`, ...runs.map(r => find(r, w, d)?.driverCpuUsPerOp)])
    })
  }
  tables.push({
    title: 'systems',
    columns: ['system', 'start s', 'load ops/s', 'setup'],
    rows: runs.map(r => [r.system, r.startMs === undefined ? undefined : (r.startMs / 1000).toFixed(1), r.load?.throughput, r.notes ?? r.skipped ?? r.failed])
  })
  if (setup.rate !== undefined) {
    tables.push({
      title: 'open loop: how late the driver sent operations after they were due (ms; part of every latency above)',
      columns: ['workload', 'system', 'p50', 'p99', 'max'],
      rows: keys.flatMap(({ w, d }) => runs.map(run => {
        const l = find(run, w, d)?.sendLag
        return [`${w} ${d}`, run.system, ms(l?.p50), ms(l?.p99), ms(l?.max)]
      }))
    })
  }
  for (const t of tables) printTable(t)
  for (const r of runs) {
    for (const p of r.phases) for (const e of p.errorSamples) process.stdout.write(`error sample ${r.system} ${p.phase}: ${e}\n`)
    if (r.skipped !== undefined) process.stdout.write(`skipped ${r.system}: ${r.skipped}\n`)
    if (r.failed !== undefined) process.stdout.write(`FAILED ${r.system}: ${r.failed}\n`)
  }
  const groups = keys.map(({ w, d }) => setup.distributions.length > 1 ? `${w} ${d.slice(0, 4)}` : w)
  const series = (f: (p: Phase) => number): Array<{ name: string, values: Array<number | undefined> }> =>
    ran.map(r => ({ name: r.system, values: keys.map(({ w, d }) => { const p = find(r, w, d); return p === undefined ? undefined : f(p) }) }))
  if (ran.length > 0) {
    await ctx.svg('ycsb-throughput', barChart({ title: 'YCSB throughput (ops/s, log scale)', yLabel: 'ops/s', xLabel: 'workload', groups, series: series(p => p.throughput), log: true }))
    await ctx.svg('ycsb-p99', barChart({ title: 'YCSB p99 latency, all operations (ms, log scale)', yLabel: 'ms', xLabel: 'workload', groups, series: series(p => p.all.p99), log: true }))
  }
  return tables.map(renderMarkdown).join('\n\n') + '\n'
}

function find (run: SystemRun, w: string, d: string): Phase | undefined {
  return run.phases.find(p => p.workload === w && p.distribution === d)
}
