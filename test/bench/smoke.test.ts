/**
 * The benchmarks run for a few seconds each with tiny options and write JSON
 * with the fields docs and scripts read, so they don't rot. etcd and Redis
 * are not installed by this test (the bench itself installs them as root):
 * when their binaries are absent, that part is skipped and says so.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const RUN = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'bench', 'run.js')
const HAVE = { etcd: existsSync('/usr/bin/etcd'), redis: existsSync('/usr/bin/redis-server') }

interface Envelope { benchmark: string, startedAt: string, finishedAt: string, machine: { cpus: number }, options: Record<string, unknown>, result: any }

let out: string

async function bench (args: string[], timeoutMs = 60_000): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [RUN, ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    proc.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    // SIGINT first: the bench then stops what it started
    const timer = setTimeout(() => { proc.kill('SIGINT'); setTimeout(() => proc.kill('SIGKILL'), 10_000).unref() }, timeoutMs)
    proc.on('error', reject)
    proc.on('close', code => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

async function latest (name: string): Promise<Envelope> {
  const env = JSON.parse(await readFile(join(out, `${name}-latest.json`), 'utf8')) as Envelope
  assert.equal(env.benchmark, name)
  for (const k of ['startedAt', 'finishedAt', 'machine', 'options', 'result'] as const) assert.ok(env[k] !== undefined, `envelope has ${k}`)
  return env
}

const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x)

describe('benchmarks (smoke)', () => {
  before(async () => { out = await mkdtemp(join(tmpdir(), 'meshkv-bench-smoke-')) })
  after(async () => { await rm(out, { recursive: true, force: true }) })

  test('--help lists every benchmark', async () => {
    const r = await bench(['--help'])
    assert.equal(r.code, 0, r.stderr)
    for (const name of ['latency', 'ycsb', 'ring', 'membership']) assert.match(r.stdout, new RegExp(`\\b${name}\\b`))
  })

  test('tombstones', async () => {
    const r = await bench(['tombstones', '--live', '50', '--deleted', '30'])
    assert.equal(r.code, 0, r.stderr)
    const { result } = await latest('tombstones')
    assert.equal(result.records, 90)
    assert.equal(result.reaped, 90)
    assert.ok(result.passes.every((p: { ms: unknown }) => finite(p.ms)))
  })

  test('ring', async () => {
    const r = await bench(['ring', '--peers', '10,20', '--tokens', '16,64', '--keys', '2000', '--mixed-peers', '12', '--churn-events', '10', '--zoned', '6:3'])
    assert.equal(r.code, 0, r.stderr)
    const { result } = await latest('ring')
    assert.equal(result.balance.length, 4)
    for (const b of result.balance) assert.ok(b.maxOverMean >= 1 && b.minOverMean <= 1, JSON.stringify(b))
    for (const m of result.mixed) assert.ok(m.byCapacity.every((c: { meanShareOverFair: number }) => finite(c.meanShareOverFair)))
    for (const m of result.movement) {
      assert.ok(finite(m.movedPrimary) && finite(m.ideal) && finite(m.exactShare))
      assert.equal(m.movedElsewhere, 0, 'consistent hashing moves keys only to/from the peer that joins/leaves')
    }
    assert.deepEqual(result.movement.map((m: { scheme: string }) => m.scheme).sort(), ['allocated', 'allocated', 'allocated', 'allocated', 'random', 'random', 'random', 'random'])
    const allocated = result.allocated.balance.filter((b: { scheme: string }) => b.scheme === 'allocated')
    assert.equal(allocated.length, 2)
    for (const b of allocated) assert.ok(b.maxOverMean <= 1.10 && finite(b.replicaMaxOverMean), JSON.stringify(b))
    assert.ok(finite(result.allocated.churn.worstAfterJoin))
    assert.equal(result.allocated.zones.length, 2)
    assert.ok(finite(result.build.announcedMs) && result.build.tokens > 0)
  })

  test('latency (in-process and daemons)', async () => {
    const r = await bench(['latency', '--ops', '60', '--concurrency', '4'])
    assert.equal(r.code, 0, r.stderr)
    const { result } = await latest('latency')
    assert.equal(result.skipped.length, 0, JSON.stringify(result.skipped))
    for (const mode of ['library', 'daemon']) {
      for (const op of ['put', 'get']) {
        const row = result.rows.find((x: any) => x.mode === mode && x.op === op && x.concurrency === 1)
        assert.ok(row !== undefined, `${mode} ${op} row`)
        assert.equal(row.errors, 0, `${mode} ${op} errors`)
        assert.ok(row.ops === 60 && finite(row.p50) && finite(row.p99) && row.p99 >= row.p50, JSON.stringify(row))
      }
    }
  })

  test('ycsb (meshkv, meshkv-client, etcd, redis, floor, http-floor; closed and open loop)', async (t) => {
    for (const [name, ok] of Object.entries(HAVE)) {
      if (!ok) t.diagnostic(`${name} is not installed here: its part is skipped (apt-get install -y ${name === 'etcd' ? 'etcd-server' : 'redis-server'} to run it)`)
    }
    const r = await bench(['ycsb', '--records', '100', '--seconds', '0.6', '--clients', '2', '--value-size', '100', '--workloads', 'A,W', '--no-install'])
    assert.equal(r.code, 0, r.stderr)
    const { result } = await latest('ycsb')
    assert.match(result.markdown, /\| workload \|/)
    for (const run of result.runs) {
      const expectSkip = (run.system === 'etcd' && !HAVE.etcd) || (run.system === 'redis' && !HAVE.redis)
      if (expectSkip) {
        assert.match(run.skipped ?? '', /not found/, `${run.system} says why it was skipped`)
        continue
      }
      assert.equal(run.failed, undefined, `${run.system}: ${run.failed}`)
      assert.equal(run.phases.length, 2, run.system)
      for (const p of run.phases) {
        assert.ok(p.throughput > 0 && p.errors === 0, `${run.system} ${p.phase}: ${JSON.stringify(p.errorSamples)}`)
        const ops = Object.values(p.perOp) as any[]
        for (const s of ops) for (const k of ['p50', 'p95', 'p99', 'p999', 'mean', 'max']) assert.ok(finite(s[k]), `${run.system} ${p.phase} ${k}`)
        assert.ok(finite(p.driverCpuUsPerOp), `${run.system} ${p.phase}: the driver's CPU per operation`)
      }
    }
    assert.deepEqual(result.runs.slice(0, 2).map((x: any) => x.system), ['meshkv', 'meshkv-client'])
    // the HTTP floor (not in the default list) runs the same way
    const open = await bench(['ycsb', '--records', '50', '--seconds', '0.5', '--rate', '200', '--workloads', 'B', '--systems', 'floor,http-floor'])
    assert.equal(open.code, 0, open.stderr)
    const runs = (await latest('ycsb')).result.runs
    assert.deepEqual(runs.map((x: any) => x.system), ['floor', 'http-floor'])
    for (const run of runs) {
      assert.equal(run.failed, undefined, `${run.system}: ${run.failed}`)
      const o = run.phases[0]
      assert.equal(o.mode, 'open')
      assert.ok(o.ops >= 50 && o.ops <= 110 && o.errors === 0, `${run.system}: about 100 operations at 200/s for 0.5 s, got ${o.ops} (${o.errors} errors)`)
    }
  })

  test('membership', async () => {
    const r = await bench(['membership', '--peers', '5', '--window', '2', '--heartbeat-ms', '300', '--member-timeout-ms', '1500', '--dilation', '1'], 150_000) // a process per peer: slow to start on a loaded machine (a run took 20 s to see 5 up)
    assert.equal(r.code, 0, r.stderr)
    const { result } = await latest('membership')
    const s = result.sizes[0]
    assert.equal(s.kind, 'measured', s.error)
    assert.ok(s.pingsOutPerPeerPerHb > 0.5, `pings sent per peer per period: ${s.pingsOutPerPeerPerHb}`)
    assert.ok(finite(s.msgsInPerPeerPerHb), 'gossipsub messages in')
    for (const k of ['bytesOutPerPeerPerHb', 'cpuMsPerPeerPerHb', 'joinSeenByAllMs', 'crashSeenByAllMs']) assert.ok(finite(s[k]), k)
  })

  test('antientropy', async () => {
    const r = await bench(['antientropy', '--keys', '500,2000', '--differing', '0,10', '--peers', '3', '--heal', '100'])
    assert.equal(r.code, 0, r.stderr)
    const { result } = await latest('antientropy')
    assert.equal(result.rows.length, 4)
    for (const row of result.rows) {
      assert.ok(finite(row.bytes) && row.roundTrips >= 1, JSON.stringify(row))
      assert.equal(row.keysSent + row.keysReceived >= row.differing, true)
    }
    // nothing is missing after the restarted peer's exchange. Its own
    // exchange may find less than all 100 to fetch: its co-replicas exchange
    // with a member back from suspect or down on their own (returning
    // members), and one of those can run first or beside it
    assert.equal(result.heal.missingAfter, 0)
    assert.ok(result.heal.keysReceived <= 100, `keys received by the exchange: ${result.heal.keysReceived}`)
  })
})
