/**
 * meshkv with client-driven coordination: the three daemons of
 * startMeshkvDaemons, and in the driver's process capacity-0 nodes (no
 * share, no membership announcement) that coordinate each request
 * themselves over libp2p, as Dynamo's client-driven coordination did: no
 * HTTP hop, and a read asks R replicas straight from the client.
 */
import { createNode } from '../../src/node.js'
import { getJson } from '../lib/http.js'
import { onCleanup } from '../lib/cleanup.js'
import { tempDir, waitFor } from '../lib/procs.js'
import { ContextCache } from './contexts.js'
import { startMeshkvDaemons } from './meshkv.js'
import type { MeshkvDaemonOptions } from './meshkv.js'
import type { MeshNode } from '../../src/node.js'
import type { KvSystem } from './system.js'

export async function startMeshkvClients (o: MeshkvDaemonOptions & { clientNodes?: number }): Promise<KvSystem> {
  const daemons = await startMeshkvDaemons(o)
  const addrs: string[] = []
  for (const url of daemons.urls ?? []) {
    const s = await getJson<{ multiaddrs: string[] }>(`${url}/status`)
    if (s !== undefined) addrs.push(...s.multiaddrs.filter(a => a.includes('/tcp/') && !a.includes('/ws')))
  }
  const nodes: MeshNode[] = []
  const stopNodes = onCleanup('stop client nodes', async () => { await Promise.allSettled(nodes.map(async n => { await n.stop() })) })
  for (let i = 0; i < (o.clientNodes ?? 1); i++) {
    nodes.push(await createNode({ dataDir: await tempDir(`meshkv-client${i}`), cluster: 'bench', capacity: 0, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: addrs, mdns: false }))
  }
  await waitFor('client nodes to see the 3 daemons up', () =>
    nodes.every(n => n.members().filter(m => m.state === 'up').length >= 3), 30_000, 100)
  const contexts = new ContextCache()
  return {
    name: 'meshkv-client',
    notes: `${daemons.notes}; ${nodes.length} capacity-0 node(s) in the driver coordinating`,
    async get (key, client) {
      const got = await nodes[client % nodes.length].get(key, { timeoutMs: o.opTimeoutMs })
      contexts.set(key, got.context)
      return got.found
    },
    async put (key, value, client) {
      const out = await nodes[client % nodes.length].put(key, value, { context: contexts.get(key), timeoutMs: o.opTimeoutMs })
      contexts.set(key, out.context)
    },
    cpuMs: daemons.cpuMs,
    async stop () { await stopNodes(); await daemons.stop() }
  }
}
