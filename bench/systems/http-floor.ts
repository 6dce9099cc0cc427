/**
 * The HTTP floor: a bare node:http server in another process
 * (http-floor-server.js), driven by the same HTTP client and keep-alive
 * agent as meshkv's API. No coordinator, store or replica: what the HTTP
 * hop alone costs, beside the libp2p floor (one replica round trip).
 */
import { join } from 'node:path'
import { HttpClient } from '../lib/http.js'
import { cpuMsOf } from '../lib/proc-cpu.js'
import { startChild, waitFor } from '../lib/procs.js'
import type { KvSystem, SystemOptions } from './system.js'

const SERVER = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'http-floor-server.js')

export async function startHttpFloor (o: SystemOptions): Promise<KvSystem> {
  const server = startChild('http floor server', process.execPath, [SERVER, String(o.valueSize)])
  let port: number | undefined
  await waitFor('http floor server port', () => {
    if (server.proc.exitCode !== null) throw new Error(`http floor server exited: ${server.logs()}`)
    const line = server.logs().split('\n').find(l => l.startsWith('{'))
    if (line !== undefined) port = (JSON.parse(line) as { port: number }).port
    return port !== undefined
  }, 20_000, 50)
  const http = new HttpClient(o.clients, o.opTimeoutMs)
  const url = (key: string): string => `http://127.0.0.1:${port as number}/kv/${encodeURIComponent(key)}`
  return {
    name: 'http-floor',
    notes: 'a bare node:http server in another process (GET answers the value, PUT 204), the same client and keep-alive agent as meshkv; no coordinator, store or replica',
    async get (key) {
      const res = await http.send('GET', url(key))
      if (res.status !== 200) throw new Error(`GET ${res.status}`)
      return true
    },
    async put (key, value) {
      const res = await http.send('PUT', url(key), value, { 'content-type': 'application/octet-stream', prefer: 'return=minimal' })
      if (res.status !== 204) throw new Error(`PUT ${res.status}`)
    },
    cpuMs: () => cpuMsOf([server]),
    async stop () {
      http.close()
      await server.stop()
    }
  }
}
