/**
 * The floor: meshkv's libp2p host (src/host.ts) with one long-lived pipelined yamux stream (as meshkv's PeerChannel
 * uses) from a libp2p host in this process to the echo peer in
 * floor-server.js. No HTTP, no coordinator, no store, one hop: what one
 * replica round trip costs on this stack, the bound under any meshkv
 * operation (a quorum read or write needs at least one such round trip).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { join } from 'node:path'
import { createHost } from '../../src/host.js'
import { onCleanup } from '../lib/cleanup.js'
import { startChild, waitFor } from '../lib/procs.js'
import { FLOOR_PROTOCOL, FloorChannel, GET, PUT } from './floor-wire.js'
import type { KvSystem, SystemOptions } from './system.js'

const SERVER = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'floor-server.js')
const encoder = new TextEncoder()

export async function startFloor (o: SystemOptions): Promise<KvSystem> {
  const server = startChild('floor server', process.execPath, [SERVER, String(o.valueSize)])
  let addr: string | undefined
  await waitFor('floor server address', () => {
    if (server.proc.exitCode !== null) throw new Error(`floor server exited: ${server.logs()}`)
    const line = server.logs().split('\n').find(l => l.startsWith('{'))
    if (line !== undefined) addr = (JSON.parse(line) as { multiaddrs: string[] }).multiaddrs[0]
    return addr !== undefined
  }, 20_000, 50)
  // meshkv's own host (src/host.ts); a client only, so it listens nowhere
  const libp2p = await createHost({ listen: [] })
  const stopHost = onCleanup('stop floor client host', async () => { await libp2p.stop() })
  const stream = await libp2p.dialProtocol(multiaddr(addr as string), FLOOR_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  const channel = new FloorChannel(stream)
  return {
    name: 'floor',
    notes: 'meshkv host (src/host.ts: TCP+noise+yamux), one pipelined stream to an echo peer in another process; no HTTP, store or quorum',
    async get (key) {
      const res = await channel.request(GET, encoder.encode(key), o.opTimeoutMs)
      return res.payload.byteLength > 0
    },
    async put (key, value) {
      const k = encoder.encode(key)
      const payload = new Uint8Array(k.byteLength + value.byteLength)
      payload.set(k)
      payload.set(value, k.byteLength)
      await channel.request(PUT, payload, o.opTimeoutMs)
    },
    async stop () {
      await channel.close()
      await stopHost()
      await server.stop()
    }
  }
}
