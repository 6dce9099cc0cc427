/**
 * One redis-server on loopback with persistence off: the single-node
 * ceiling. The client is a minimal RESP2 one over node:net (SET and GET
 * only), one connection per client, replies matched in order.
 */
import { spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import { ensureBinary } from '../lib/install.js'
import { freePort, startChild, tempDir, waitFor } from '../lib/procs.js'
import { RespConnection } from './resp.js'
import { Skipped } from './system.js'
import { cpuMsOf } from '../lib/proc-cpu.js'
import type { KvSystem, SystemOptions } from './system.js'

const REDIS = '/usr/bin/redis-server'

export async function startRedis (o: SystemOptions): Promise<KvSystem> {
  const bin = ensureBinary(REDIS, 'redis-server', o.install)
  if (!bin.ok) throw new Skipped(bin.why)
  const port = await freePort()
  const dir = await tempDir('redis')
  const child = startChild('redis-server', bin.path, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'
  ])
  await waitFor(`redis-server on ${port}`, async () => {
    if (child.proc.exitCode !== null) throw new Error(`redis-server exited: ${child.logs()}`)
    return new Promise<boolean>(resolve => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => { resolve(false) })
    })
  }, 15_000)
  const conns = Math.max(1, o.clients)
  const pool = await Promise.all(Array.from({ length: conns }, async () => RespConnection.open('127.0.0.1', port, o.opTimeoutMs)))
  return {
    name: 'redis',
    notes: `1 redis-server ${version(bin.path)}, no persistence (--save '' --appendonly no), ${conns} RESP connections`,
    async get (key, client) {
      return (await pool[client % conns].command(['GET', key])) !== null
    },
    async put (key, value, client) {
      const res = await pool[client % conns].command(['SET', key, value])
      if (res !== 'OK') throw new Error(`SET replied ${String(res)}`)
    },
    async stop () {
      for (const c of pool) c.close()
      await child.stop()
    },
    cpuMs: () => cpuMsOf([child])
  }
}

function version (bin: string): string {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 5_000 }).stdout ?? ''
  return out.match(/v=([\d.]+)/)?.[1] ?? ''
}
