/**
 * meshkv as an operator runs it: three `meshkv daemon` processes on
 * loopback (N=3 R=2 W=2), each bootstrapping from the other two, driven
 * through their HTTP APIs with keep-alive connections, clients spread over
 * the peers (client c talks to peer c mod 3, which coordinates its requests).
 */
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { HttpClient, getJson } from '../lib/http.js'
import { dataRoot, freePort, startChild, tempDir, waitFor } from '../lib/procs.js'
import { ContextCache } from './contexts.js'
import { cpuMsOf } from '../lib/proc-cpu.js'
import { Skipped } from './system.js'
import type { Child } from '../lib/procs.js'
import type { KvSystem, SystemOptions } from './system.js'

export const BIN = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..', 'bin', 'meshkv')
const CONTEXT = 'x-meshkv-context'
/** extra node flags for the daemons, e.g. MESHKV_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile them */
const NODE_ARGS = (process.env.MESHKV_BENCH_NODE_ARGS ?? '').split(' ').filter(a => a !== '')

export interface MeshkvDaemonOptions extends SystemOptions {
  peers?: number
  fsync?: boolean
  /** write a V8 CPU profile of each daemon into this directory (node --cpu-prof) */
  cpuProfDir?: string
}

interface Status { peerId: string, members: Array<{ state: string }> }

export async function startMeshkvDaemons (o: MeshkvDaemonOptions): Promise<KvSystem> {
  if (!existsSync(BIN) || !existsSync(join(BIN, '..', '..', 'dist', 'src', 'cli', 'main.js'))) {
    throw new Skipped(`${BIN} or its build (dist/src/cli) is missing: run npm run build`)
  }
  const peers = o.peers ?? 3
  const tcp = await Promise.all(Array.from({ length: peers }, async () => freePort()))
  const api = await Promise.all(Array.from({ length: peers }, async () => freePort()))
  const children: Child[] = []
  const dirs = await Promise.all(Array.from({ length: peers }, async (_, i) => tempDir(`meshkv${i}`)))
  const launch = async (i: number): Promise<Child> => {
    const config = join(dirs[i], 'config.json')
    await writeFile(config, JSON.stringify({ cluster: 'bench', n: 3, r: 2, w: 2, fsync: o.fsync === true, logLevel: 'warn', mdns: false }))
    const prof = o.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`, `--cpu-prof-name=meshkv-${i}-${process.pid}-${Date.now()}.cpuprofile`]
    const args = [...NODE_ARGS, ...prof, BIN, 'daemon', '--config', config, '--data', join(dirs[i], 'data'), '--listen', `/ip4/127.0.0.1/tcp/${tcp[i]}`, '--api', `127.0.0.1:${api[i]}`]
    for (let j = 0; j < peers; j++) if (j !== i) args.push('--bootstrap', `/ip4/127.0.0.1/tcp/${tcp[j]}`)
    return startChild(`meshkv daemon ${i}`, process.execPath, args)
  }
  for (let i = 0; i < peers; i++) children.push(await launch(i))
  const urls = api.map(p => `http://127.0.0.1:${p}`)
  let relaunched = 0
  await waitFor(`${peers} meshkv daemons to see each other up`, async () => {
    for (const [i, c] of children.entries()) {
      if (c.proc.exitCode === null) continue
      // a port picked free may be taken by another process's outgoing connection before the daemon binds it: pick again
      if (/EADDRINUSE/.test(c.logs()) && relaunched++ < 3) {
        ;[tcp[i], api[i]] = [await freePort(), await freePort()]
        urls[i] = `http://127.0.0.1:${api[i]}`
        children[i] = await launch(i)
        continue
      }
      throw new Error(`${c.name} exited with ${c.proc.exitCode}: ${c.logs().slice(-2000)}`)
    }
    const all = await Promise.all(urls.map(async u => getJson<Status>(`${u}/status`)))
    return all.every(s => s !== undefined && s.members.filter(m => m.state === 'up').length === peers)
  }, 30_000, 200)
  const system = meshkvHttp(urls, o, `${peers} meshkv daemons (N=3 R=2 W=2, fsync ${o.fsync === true ? 'on' : 'off'}, data dirs in ${dataRoot()}), HTTP API with keep-alive, clients spread over the peers`,
    async () => { await Promise.all(children.map(async c => { await stopAtOnce(c) })) })
  return { ...system, cpuMs: () => cpuMsOf(children), urls }
}

/**
 * SIGINT: a daemon stops at once, without first handing its keys over (what
 * SIGTERM does), so it exits cleanly within the grace period and a CPU
 * profile it records gets written.
 */
async function stopAtOnce (c: Child): Promise<void> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) {
    c.proc.kill('SIGINT')
    await Promise.race([c.exited, new Promise(resolve => setTimeout(resolve, 10_000).unref())])
  }
  await c.stop()
}

/** A KvSystem over meshkv HTTP APIs (any number of peers), with the context cache. */
export function meshkvHttp (urls: string[], o: SystemOptions, notes: string, stopPeers: () => Promise<void>): KvSystem {
  const http = new HttpClient(Math.max(1, Math.ceil(o.clients / urls.length)), o.opTimeoutMs)
  const contexts = new ContextCache()
  const url = (key: string, client: number): string => `${urls[client % urls.length]}/kv/${encodeURIComponent(key)}`
  const header = (res: { headers: Record<string, string | string[] | undefined> }): string | undefined => {
    const h = res.headers[CONTEXT]
    return Array.isArray(h) ? h[0] : h
  }
  return {
    name: 'meshkv',
    notes,
    async get (key, client) {
      const res = await http.send('GET', url(key, client))
      if (res.status === 404) return false
      if (res.status !== 200 && res.status !== 300) throw new Error(`GET ${res.status}: ${res.body.toString().slice(0, 200)}`)
      contexts.set(key, header(res))
      return true
    },
    async put (key, value, client) {
      const ctx = contexts.get(key)
      // the context header is all the driver keeps: no echo of the stored values (etcd's put answers with a revision only)
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', prefer: 'return=minimal' }
      if (ctx !== undefined) headers[CONTEXT] = ctx
      const res = await http.send('PUT', url(key, client), value, headers)
      if (res.status !== 204 && res.status !== 200) throw new Error(`PUT ${res.status}: ${res.body.toString().slice(0, 200)}`)
      contexts.set(key, header(res))
    },
    async stop () {
      http.close()
      await stopPeers()
    }
  }
}
