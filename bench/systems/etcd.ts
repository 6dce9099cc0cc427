/**
 * A 3-member etcd cluster (Debian's etcd-server) on loopback, temp data
 * dirs, free ports; driven through the v3 JSON gateway (POST /v3/kv/put and
 * /v3/kv/range, base64 keys and values), clients spread over the members.
 * Reads are etcd's default, linearizable (a ReadIndex round through the leader).
 */
import { spawnSync } from 'node:child_process'
import { ensureBinary } from '../lib/install.js'
import { HttpClient, getJson } from '../lib/http.js'
import { dataRoot, freePort, startChild, tempDir, waitFor } from '../lib/procs.js'
import { Skipped } from './system.js'
import { cpuMsOf } from '../lib/proc-cpu.js'
import type { Child } from '../lib/procs.js'
import type { KvSystem, SystemOptions } from './system.js'

const ETCD = '/usr/bin/etcd'
const MEMBERS = 3

const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64')

export async function startEtcd (o: SystemOptions): Promise<KvSystem> {
  const bin = ensureBinary(ETCD, 'etcd-server', o.install)
  if (!bin.ok) throw new Skipped(bin.why)
  const ports = await Promise.all(Array.from({ length: MEMBERS * 2 }, async () => freePort()))
  const peerUrl = (i: number): string => `http://127.0.0.1:${ports[MEMBERS + i]}`
  const clientUrls = Array.from({ length: MEMBERS }, (_, i) => `http://127.0.0.1:${ports[i]}`)
  const initial = Array.from({ length: MEMBERS }, (_, i) => `m${i}=${peerUrl(i)}`).join(',')
  const children: Child[] = []
  for (let i = 0; i < MEMBERS; i++) {
    const dir = await tempDir(`etcd${i}`)
    children.push(startChild(`etcd m${i}`, bin.path, [
      '--name', `m${i}`, '--data-dir', dir,
      '--listen-client-urls', clientUrls[i], '--advertise-client-urls', clientUrls[i],
      '--listen-peer-urls', peerUrl(i), '--initial-advertise-peer-urls', peerUrl(i),
      '--initial-cluster', initial, '--initial-cluster-state', 'new', '--initial-cluster-token', `bench-${ports[0]}`,
      '--log-level', 'warn'
    ]))
  }
  await waitFor('etcd cluster healthy', async () => {
    for (const c of children) if (c.proc.exitCode !== null) throw new Error(`${c.name} exited: ${c.logs().slice(-2000)}`)
    const health = await Promise.all(clientUrls.map(async u => getJson<{ health: string }>(`${u}/health`)))
    return health.every(h => h?.health === 'true')
  }, 30_000, 200)
  const http = new HttpClient(Math.max(1, Math.ceil(o.clients / MEMBERS)), o.opTimeoutMs)
  const call = async (client: number, path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await http.send('POST', `${clientUrls[client % MEMBERS]}${path}`, JSON.stringify(body), { 'content-type': 'application/json' })
    if (res.status !== 200) throw new Error(`etcd ${path}: ${res.status} ${res.body.toString().slice(0, 200)}`)
    return JSON.parse(res.body.toString()) as Record<string, unknown>
  }
  return {
    name: 'etcd',
    notes: `${MEMBERS}-member etcd ${version(bin.path)} (raft, fsync on every commit, data dirs in ${dataRoot()}), v3 JSON gateway over keep-alive HTTP, linearizable reads`,
    async get (key, client) {
      const out = await call(client, '/v3/kv/range', { key: b64(key) })
      return Array.isArray(out.kvs) && out.kvs.length > 0
    },
    async put (key, value, client) {
      await call(client, '/v3/kv/put', { key: b64(key), value: b64(value) })
    },
    async stop () {
      http.close()
      await Promise.all(children.map(async c => { await c.stop() }))
    },
    cpuMs: () => cpuMsOf(children)
  }
}

function version (bin: string): string {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 5_000 }).stdout ?? ''
  return out.match(/etcd Version: ([\d.]+)/)?.[1] ?? ''
}
