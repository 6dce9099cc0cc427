/**
 * meshkv as a library: three MeshNodes from createNode() in this process on
 * loopback TCP (N=3 R=2 W=2); client c calls peer c mod 3. No HTTP and no
 * process hop between client and coordinator.
 */
import { createNode } from '../../src/node.js'
import { onCleanup } from '../lib/cleanup.js'
import { tempDir, waitFor } from '../lib/procs.js'
import { ContextCache } from './contexts.js'
import type { MeshNode } from '../../src/node.js'
import type { KvSystem, SystemOptions } from './system.js'

export async function startMeshkvLibrary (o: SystemOptions & { peers?: number }): Promise<KvSystem> {
  const peers = o.peers ?? 3
  const nodes: MeshNode[] = []
  const stopAll = onCleanup('stop in-process meshkv nodes', async () => {
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
  })
  for (let i = 0; i < peers; i++) {
    const node = await createNode({
      dataDir: await tempDir(`meshkv-lib${i}`),
      cluster: 'bench',
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: nodes.length > 0 ? [nodes[0].multiaddrs()[0]] : [],
      n: 3,
      r: 2,
      w: 2
    })
    nodes.push(node)
  }
  await waitFor(`${peers} in-process peers to see each other up`, () =>
    nodes.every(n => n.members().filter(m => m.state === 'up').length === peers), 30_000, 50)
  const contexts = new ContextCache()
  return {
    name: 'meshkv-lib',
    notes: `${peers} MeshNodes in the bench process (createNode), N=3 R=2 W=2, fsync off`,
    async get (key, client) {
      const got = await nodes[client % peers].get(key, { timeoutMs: o.opTimeoutMs })
      contexts.set(key, got.context)
      return got.found
    },
    async put (key, value, client) {
      const out = await nodes[client % peers].put(key, value, { context: contexts.get(key), timeoutMs: o.opTimeoutMs })
      contexts.set(key, out.context)
    },
    stop: stopAll
  }
}
