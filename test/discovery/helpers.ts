/** Peers for the discovery tests: each test its own cluster name, so concurrent test files never meet. */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { FAST_MEMBERSHIP, isRunning, tempDir, waitFor } from '../fixtures/cluster.js'
import { MeshNode } from '../../src/node.js'
import type { NodeOptions } from '../../src/node.js'

export const uniqueCluster = (what: string): string => `${what}-${randomUUID().slice(0, 8)}`

export class Peers {
  readonly nodes: MeshNode[] = []
  readonly dirs: string[] = []

  async start (options: Partial<NodeOptions> & { cluster: string }, dataDir?: string): Promise<MeshNode> {
    const dir = dataDir ?? await tempDir('meshkv-discovery-')
    if (dataDir === undefined) this.dirs.push(dir)
    const node = new MeshNode({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], joinWaitMs: 1000, ...FAST_MEMBERSHIP, ...options })
    await node.start()
    this.nodes.push(node)
    return node
  }

  async stop (): Promise<void> {
    await Promise.allSettled(this.nodes.filter(n => isRunning(n)).map(async n => { await n.stop({ announce: false }) }))
    await Promise.allSettled(this.dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  }
}

/** ids of the members `node` sees up */
export function upIds (node: MeshNode): string[] {
  return node.members().filter(m => m.state === 'up').map(m => m.id).sort()
}

/** wait until each of `nodes` sees exactly `ids` up */
export async function seeUp (nodes: MeshNode[], ids: string[], timeoutMs = 20_000): Promise<void> {
  const want = [...ids].sort().join(',')
  await waitFor(`${ids.length} members up on ${nodes.length} peers`, () => nodes.every(n => upIds(n).join(',') === want), timeoutMs)
}

export { waitFor }
