/**
 * `soak`: three daemons (N=3 R=2 W=2) under mixed load for --minutes (10 by
 * default); halfway through one is SIGKILLed and, --down-seconds later,
 * restarted on the same ports and data dir. Every --sample-seconds the
 * heap and resident memory of each daemon are read from its /metrics
 * (prom-client's nodejs_heap_size_used_bytes, process_resident_memory_bytes)
 * with the operations, errors and latency of the interval. Every key is
 * written once before the clock starts, so the data held stays the same
 * size and a heap that grows is a leak, not more keys. The heap must stay
 * flat: V8's heap is a sawtooth (it grows until a collection), so what is
 * compared is its floor, the least heap seen in each minute, whose slope
 * over the second half (after the restart for the peer that was killed) is
 * given in MiB per minute.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { onCleanup } from './lib/cleanup.js'
import { Histogram } from './lib/histogram.js'
import { HttpClient } from './lib/http.js'
import { note } from './lib/progress.js'
import { freePort, sleep, startChild, tempDir, waitFor } from './lib/procs.js'
import { lineChart } from './lib/svg.js'
import { printTable } from './lib/table.js'
import { BIN } from './systems/meshkv.js'
import type { Benchmark } from './lib/bench.js'
import type { Child } from './lib/procs.js'

interface Sample {
  /** seconds since the load started */
  t: number
  /** per peer; undefined while it is down */
  heapMiB: Array<number | undefined>
  rssMiB: Array<number | undefined>
  ops: number
  errors: number
  /** 5xx answers among the errors (a quorum lost while a peer is down is one; load alone must not be) */
  serverErrors: number
  p50Ms?: number
  p99Ms?: number
}

const PEERS = 3

export const soak: Benchmark = {
  name: 'soak',
  summary: 'three daemons under mixed load for 10 minutes with a kill and restart halfway; heap sampled: it must stay flat',
  options: {
    minutes: { type: 'string', default: '10', help: 'length of the load' },
    clients: { type: 'string', default: '8', help: 'concurrent clients, spread over the peers' },
    keys: { type: 'string', default: '5000', help: 'key space' },
    'value-bytes': { type: 'string', default: '512', help: 'largest value (values are 16..this)' },
    'sample-seconds': { type: 'string', default: '10', help: 'memory and latency sample period' },
    'down-seconds': { type: 'string', default: '30', help: 'how long the killed peer stays down' }
  },
  async run (args, ctx) {
    const minutes = args.num('minutes', 0.05, 600)
    const clients = args.num('clients', 1, 256)
    const keys = args.num('keys', 1, 10_000_000)
    const maxValue = args.num('value-bytes', 16, 1024 * 1024)
    const sampleMs = args.num('sample-seconds', 1, 600) * 1000
    const downMs = args.num('down-seconds', 1, 3600) * 1000
    const tcp = await Promise.all(Array.from({ length: PEERS }, async () => freePort()))
    const api = await Promise.all(Array.from({ length: PEERS }, async () => freePort()))
    const dirs = await Promise.all(Array.from({ length: PEERS }, async (_, i) => tempDir(`soak${i}`)))
    const children: Array<Child | undefined> = []
    const start = async (i: number): Promise<Child> => {
      const config = join(dirs[i], 'config.json')
      await writeFile(config, JSON.stringify({ cluster: 'soak', n: 3, r: 2, w: 2, logLevel: 'warn', mdns: false }))
      const a = [BIN, 'daemon', '--config', config, '--data', join(dirs[i], 'data'), '--listen', `/ip4/127.0.0.1/tcp/${tcp[i]}`, '--api', `127.0.0.1:${api[i]}`]
      for (let j = 0; j < PEERS; j++) if (j !== i) a.push('--bootstrap', `/ip4/127.0.0.1/tcp/${tcp[j]}`)
      return startChild(`meshkv daemon ${i}`, process.execPath, a)
    }
    const stopAll = onCleanup('stop the soak daemons', async () => { await Promise.all(children.map(async c => { await c?.stop() })) })
    const urls = api.map(p => `http://127.0.0.1:${p}`)
    const http = new HttpClient(Math.ceil(clients / PEERS) + 2, 10_000)
    try {
      for (let i = 0; i < PEERS; i++) children[i] = await start(i)
      await waitFor('the soak daemons to see each other up', async () => (await Promise.all(urls.map(async u => upCount(http, u)))).every(n => n === PEERS), 60_000, 250)

      // every key once, before the clock starts: the data held is then the same size throughout
      note(`soak: writing all ${keys} keys once ...`)
      const fill = new HttpClient(clients, 10_000)
      let next = 0
      await Promise.all(Array.from({ length: clients }, async (_, c) => {
        while (next < keys) {
          const k = next++
          await fill.send('PUT', `${urls[c % PEERS]}/kv/soak-${k}`, 'x'.repeat(16 + (k * 7919) % (maxValue - 16)), { 'content-type': 'application/octet-stream' }).catch(() => {})
        }
      }))
      fill.close()

      const samples: Sample[] = []
      let interval = { ops: 0, errors: 0, serverErrors: 0, latency: new Histogram() }
      const down = new Set<number>()
      const t0 = performance.now()
      const until = t0 + minutes * 60_000
      let stopping = false
      const worker = async (c: number): Promise<void> => {
        let seed = c * 7919 + 1
        const rand = (): number => { seed = (seed * 48271) % 2147483647; return seed / 2147483647 }
        while (!stopping && performance.now() < until) {
          const peer = c % PEERS
          if (down.has(peer)) { await sleep(50); continue }
          const key = `soak-${Math.floor(rand() * keys)}`
          const started = performance.now()
          try {
            const put = rand() < 0.5
            const res = put
              ? await http.send('PUT', `${urls[peer]}/kv/${key}`, 'x'.repeat(16 + Math.floor(rand() * (maxValue - 16))), { 'content-type': 'application/octet-stream' })
              : await http.send('GET', `${urls[peer]}/kv/${key}`)
            interval.latency.record(performance.now() - started)
            interval.ops++
            if (res.status >= 400 && res.status !== 404) interval.errors++
            if (res.status >= 500) interval.serverErrors++
          } catch {
            interval.errors++
          }
        }
      }
      const load = Promise.all(Array.from({ length: clients }, async (_, c) => worker(c)))
      const victim = PEERS - 1
      const killAt = t0 + minutes * 30_000
      let killed = false
      let restarted = false
      let restartAt = Infinity
      while (performance.now() < until) {
        await sleep(Math.min(sampleMs, Math.max(0, until - performance.now())))
        const now = performance.now()
        if (!killed && now >= killAt) {
          killed = true
          down.add(victim)
          note(`soak: SIGKILL peer ${victim} at ${((now - t0) / 1000).toFixed(0)} s`)
          children[victim]?.proc.kill('SIGKILL')
          await children[victim]?.exited
          children[victim] = undefined
          restartAt = now + downMs
        } else if (killed && !restarted && now >= restartAt) {
          restarted = true
          note(`soak: restarting peer ${victim} at ${((now - t0) / 1000).toFixed(0)} s`)
          children[victim] = await start(victim)
          await waitFor('the restarted peer to answer', async () => (await upCount(http, urls[victim])) === PEERS, 60_000, 250).catch(() => {})
          down.delete(victim)
        }
        const mem = await Promise.all(urls.map(async (u, i) => down.has(i) ? undefined : memory(http, u)))
        const { ops, errors, serverErrors, latency } = interval
        interval = { ops: 0, errors: 0, serverErrors: 0, latency: new Histogram() }
        samples.push({
          t: Math.round((now - t0) / 1000),
          heapMiB: mem.map(m => m?.heapMiB),
          rssMiB: mem.map(m => m?.rssMiB),
          ops,
          errors,
          serverErrors,
          p50Ms: latency.count === 0 ? undefined : round(latency.quantile(0.5)),
          p99Ms: latency.count === 0 ? undefined : round(latency.quantile(0.99))
        })
        const last = samples[samples.length - 1]
        note(`soak ${last.t} s: ${(ops / (sampleMs / 1000)).toFixed(0)} ops/s, ${errors} errors, heap ${last.heapMiB.map(h => h?.toFixed(1) ?? '-').join(' / ')} MiB`)
      }
      stopping = true
      await load

      const half = minutes * 30
      // the heap's floor: the least heap seen in each minute (after a collection), per peer
      const floors = Array.from({ length: PEERS }, (_, i) => {
        const byMinute = new Map<number, number>()
        for (const s of samples) {
          const h = s.heapMiB[i]
          if (h === undefined) continue
          const m = Math.floor(s.t / 60)
          byMinute.set(m, Math.min(byMinute.get(m) ?? Infinity, h))
        }
        return [...byMinute].map(([m, h]) => [m + 0.5, h] as [number, number])
      })
      const slopes = floors.map((f, i) => {
        const from = (i === victim ? (restartAt - t0) / 1000 + 30 : half) / 60
        return slope(f.filter(([m]) => m >= from))
      })
      printTable({
        title: `soak: ${PEERS} daemons, N=3 R=2 W=2, ${clients} clients, 50% get / 50% put over ${keys} keys, ${minutes} min; peer ${victim} killed at ${half} s and restarted ${downMs / 1000} s later`,
        columns: ['t s', 'ops/s', 'errors', '5xx', 'p50 ms', 'p99 ms', ...Array.from({ length: PEERS }, (_, i) => `heap ${i} MiB`), ...Array.from({ length: PEERS }, (_, i) => `rss ${i} MiB`)],
        rows: samples.map(s => [s.t, Math.round(s.ops / (sampleMs / 1000)), s.errors, s.serverErrors, s.p50Ms, s.p99Ms, ...s.heapMiB.map(h => h?.toFixed(1) ?? '-'), ...s.rssMiB.map(r => r?.toFixed(0) ?? '-')])
      })
      printTable({
        title: 'heap floor (least heap seen in each minute) per peer, and its slope over the second half (the killed peer: from 30 s after its restart), MiB per minute',
        columns: ['peer', 'floor slope MiB/min', 'floors by minute MiB'],
        rows: slopes.map((sl, i) => [i, sl === undefined ? '-' : sl.toFixed(2), floors[i].map(([, h]) => h.toFixed(0)).join(' ')])
      })
      await ctx.svg('soak', lineChart({
        title: `soak: heap used per daemon (MiB) over ${minutes} min; peer ${victim} killed at ${half} s`,
        xLabel: 'seconds',
        yLabel: 'heap MiB',
        series: Array.from({ length: PEERS }, (_, i) => ({ name: `peer ${i}`, points: samples.filter(s => s.heapMiB[i] !== undefined).map(s => [s.t, s.heapMiB[i] as number] as [number, number]) }))
      }))
      return { minutes, clients, keys, maxValue, sampleSeconds: sampleMs / 1000, downSeconds: downMs / 1000, victim, samples, heapFloorsMiB: floors, heapFloorSlopeMiBPerMin: slopes }
    } finally {
      http.close()
      await stopAll()
    }
  }
}

async function upCount (http: HttpClient, url: string): Promise<number> {
  try {
    const res = await http.send('GET', `${url}/status`)
    if (res.status !== 200) return 0
    const s = JSON.parse(res.body.toString()) as { members: Array<{ state: string }> }
    return s.members.filter(m => m.state === 'up').length
  } catch {
    return 0
  }
}

/** heap used and resident memory from a daemon's /metrics, in MiB */
async function memory (http: HttpClient, url: string): Promise<{ heapMiB?: number, rssMiB?: number } | undefined> {
  try {
    const res = await http.send('GET', `${url}/metrics`)
    if (res.status !== 200) return undefined
    const text = res.body.toString()
    const value = (name: string): number | undefined => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)
      return m === null ? undefined : Number(m[1]) / 2 ** 20
    }
    return { heapMiB: value('nodejs_heap_size_used_bytes'), rssMiB: value('process_resident_memory_bytes') }
  } catch {
    return undefined
  }
}

/** least-squares slope of [x, y] points; undefined with fewer than 3 */
function slope (pts: Array<[number, number]>): number | undefined {
  if (pts.length < 3) return undefined
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length
  const den = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0)
  return den === 0 ? undefined : pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / den
}

const round = (x: number): number => Math.round(x * 100) / 100
