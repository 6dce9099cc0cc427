/**
 * `ycsb`: YCSB core workloads side by side, same driver, same run, one
 * system at a time (so they never compete for the 2 cores): meshkv (3
 * daemons through HTTP; and the same daemons driven by a capacity-0 node
 * coordinating itself, meshkv-client), etcd (3 members), Redis (1) and the
 * libp2p floor (and, when asked, the HTTP floor: a bare node:http server).
 */
import { resolve } from 'node:path'
import { runPhase } from './lib/driver.js'
import { keyChooser } from './lib/keys.js'
import { note } from './lib/progress.js'
import { report } from './lib/ycsb-report.js'
import { startEtcd } from './systems/etcd.js'
import { startFloor } from './systems/floor.js'
import { startHttpFloor } from './systems/http-floor.js'
import { startMeshkvDaemons } from './systems/meshkv.js'
import { startMeshkvClients } from './systems/meshkv-client.js'
import { startRedis } from './systems/redis.js'
import { Skipped } from './systems/system.js'
import { UsageError } from './lib/bench.js'
import type { Benchmark } from './lib/bench.js'
import type { PhaseResult } from './lib/driver.js'
import type { Distribution } from './lib/keys.js'
import type { KvSystem, SystemOptions } from './systems/system.js'

/** YCSB core workloads A, B, C, and a write-only one (W). */
export const WORKLOADS: Record<string, { readFraction: number, label: string }> = {
  A: { readFraction: 0.5, label: 'A 50/50 read/update' },
  B: { readFraction: 0.95, label: 'B 95/5 read/update' },
  C: { readFraction: 1, label: 'C read only' },
  W: { readFraction: 0, label: 'W update only' }
}

const SYSTEMS: Record<string, (o: SystemOptions & { fsync?: boolean, cpuProfDir?: string }) => Promise<KvSystem>> = {
  meshkv: startMeshkvDaemons,
  'meshkv-client': startMeshkvClients,
  etcd: startEtcd,
  redis: startRedis,
  floor: startFloor,
  // not in the default list: the HTTP hop alone, beside the libp2p floor
  'http-floor': startHttpFloor
}

export interface SystemRun {
  system: string
  notes?: string
  skipped?: string
  failed?: string
  startMs?: number
  load?: PhaseResult
  phases: Array<PhaseResult & { workload: string, distribution: Distribution, cpuUsPerOp?: number, driverCpuUsPerOp?: number }>
}

/**
 * A phase, with the CPU its system's server processes spent per operation
 * in it (µs), and the driver's own (this process: the YCSB loop and the
 * system's client, which for meshkv-client coordinates every request).
 */
async function measured (system: KvSystem, run: () => Promise<PhaseResult>): Promise<PhaseResult & { cpuUsPerOp?: number, driverCpuUsPerOp?: number }> {
  const before = system.cpuMs?.()
  const driverBefore = process.cpuUsage()
  const r = await run()
  const driver = process.cpuUsage(driverBefore)
  const after = system.cpuMs?.()
  if (r.ops === 0) return r
  const driverCpuUsPerOp = Math.round((driver.user + driver.system) / r.ops)
  if (before === undefined || after === undefined) return { ...r, driverCpuUsPerOp }
  return { ...r, cpuUsPerOp: Math.round((after - before) * 1000 / r.ops), driverCpuUsPerOp }
}

export const ycsb: Benchmark = {
  name: 'ycsb',
  summary: 'YCSB workloads A/B/C/W, meshkv vs etcd vs Redis vs the libp2p floor, same driver, same run',
  options: {
    records: { type: 'string', default: '10000', help: 'records loaded before the workloads' },
    seconds: { type: 'string', default: '20', help: 'seconds per workload' },
    ops: { type: 'string', help: 'stop a workload after this many operations (if before --seconds)' },
    'value-size': { type: 'string', default: '1000', help: 'value bytes (YCSB: 10 fields x 100 B)' },
    clients: { type: 'string', default: '16', help: 'closed-loop clients; with --rate, the bound on operations in flight' },
    rate: { type: 'string', help: 'open loop: operations per second, latency measured from when each was due' },
    workloads: { type: 'string', default: 'A,B,C,W', help: 'A (50/50), B (95/5), C (reads), W (updates)' },
    distribution: { type: 'string', default: 'zipfian', help: 'zipfian (YCSB scrambled, 0.99) and/or uniform, comma separated' },
    systems: { type: 'string', default: 'meshkv,meshkv-client,etcd,redis,floor', help: 'systems to run, in this order: meshkv (3 daemons through their HTTP APIs), meshkv-client (the same daemons driven by a capacity-0 node in the driver that coordinates each request itself), etcd, redis, floor (also http-floor: a bare node:http server, the HTTP hop alone)' },
    fsync: { type: 'boolean', help: 'meshkv daemons fsync every write (etcd always does; data dirs are on tmpfs when present)' },
    'cpu-prof': { type: 'string', help: 'write a V8 CPU profile of each meshkv daemon into this directory (node --cpu-prof)' },
    'no-install': { type: 'boolean', help: 'never apt-get install a missing etcd-server/redis-server' },
    quick: { type: 'boolean', help: 'small and short: 1000 records, 4 s per workload, 8 clients (under 3 minutes in all)' }
  },
  async run (args, ctx) {
    const quick = args.bool('quick')
    const pick = (name: string, quickValue: number, min: number, max: number): number =>
      quick && !args.has(name) ? quickValue : args.num(name, min, max)
    const records = pick('records', 1000, 1, 1e8)
    const seconds = pick('seconds', 4, 0.1, 3600)
    const clients = pick('clients', 8, 1, 1024)
    const valueSize = pick('value-size', 1000, 0, 1024 * 1024)
    const maxOps = args.has('ops') ? args.num('ops', 1, 1e9) : Infinity
    const rate = args.has('rate') ? args.num('rate', 1, 1e6) : undefined
    const workloads = args.list('workloads').map(w => w.toUpperCase())
    const dists = args.list('distribution') as Distribution[]
    const systems = args.list('systems')
    for (const w of workloads) if (WORKLOADS[w] === undefined) throw new UsageError(`unknown workload ${w}: use ${Object.keys(WORKLOADS).join(',')}`)
    for (const d of dists) if (d !== 'zipfian' && d !== 'uniform') throw new UsageError(`unknown distribution ${d}: use zipfian,uniform`)
    for (const s of systems) if (SYSTEMS[s] === undefined) throw new UsageError(`unknown system ${s}: use ${Object.keys(SYSTEMS).join(',')}`)
    const value = new Uint8Array(valueSize).fill(0x78)
    const opts = { clients, valueSize, install: !args.bool('no-install'), opTimeoutMs: 5_000, fsync: args.bool('fsync'), cpuProfDir: args.has('cpu-prof') ? resolve(args.str('cpu-prof')) : undefined }
    const runs: SystemRun[] = []
    for (const name of systems) {
      const run: SystemRun = { system: name, phases: [] }
      runs.push(run)
      note(`ycsb: starting ${name} ...`)
      const t0 = performance.now()
      let system: KvSystem
      try {
        system = await SYSTEMS[name](opts)
      } catch (err) {
        if (err instanceof Skipped) run.skipped = err.message
        else run.failed = `start: ${(err as Error).message}`
        note(`ycsb: ${name} ${run.skipped !== undefined ? 'skipped' : 'failed to start'}: ${run.skipped ?? run.failed}`)
        continue
      }
      run.startMs = Math.round(performance.now() - t0)
      run.notes = system.notes
      try {
        const base = { records, value, clients, seed: 42, maxOps, choose: keyChooser('uniform', records) }
        // the load is always closed loop: it fills the store, it is not a latency run
        run.load = await runPhase(system, { ...base, label: 'load', readFraction: 0, insert: true, durationMs: Math.max(60_000, seconds * 5_000), maxOps: records })
        for (const distribution of dists) {
          const choose = keyChooser(distribution, records)
          for (const w of workloads) {
            const r = await measured(system, async () => runPhase(system, { ...base, choose, rate, label: `${w} ${distribution}`, readFraction: WORKLOADS[w].readFraction, durationMs: seconds * 1000 }))
            run.phases.push({ ...r, workload: w, distribution })
          }
        }
      } catch (err) {
        run.failed = (err as Error).message
        note(`ycsb: ${name} failed: ${run.failed}`)
      } finally {
        await system.stop()
      }
    }
    const setup = { records, seconds, clients, valueSize, rate, mode: rate === undefined ? 'closed' : 'open', workloads, distributions: dists, maxOps: Number.isFinite(maxOps) ? maxOps : undefined }
    const markdown = await report(runs, setup, ctx)
    return { setup, runs, markdown }
  }
}
