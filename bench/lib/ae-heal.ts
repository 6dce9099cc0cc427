/**
 * Healing a replica that missed writes, with real peers in this process: 3
 * peers (N=3, W=2), one stopped as a crash looks, `keys` writes at W=2, the
 * peer started again on its data dir, then one anti-entropy exchange on it
 * (unlimited rate) until it holds every key. Times the exchange.
 */
import { MeshNode } from '../../src/node.js'
import { onCleanup } from './cleanup.js'
import { tempDir, waitFor } from './procs.js'

export interface HealResult {
  keys: number
  healMs: number
  bytes: number
  roundTrips: number
  keysReceived: number
  keysSent: number
  missingAfter: number
}

const OPTIONS = { cluster: 'bench-ae', listen: ['/ip4/127.0.0.1/tcp/0'], heartbeatMs: 250, memberTimeoutMs: 1500, n: 3, r: 2, w: 2, antiEntropyIntervalMs: 0, antiEntropyBytesPerSec: 0 }

async function start (dataDir: string, bootstrap: string[]): Promise<MeshNode> {
  const node = new MeshNode({ ...OPTIONS, dataDir, bootstrap })
  await node.start()
  onCleanup('stop an anti-entropy bench peer', async () => { await node.stop().catch(() => {}) })
  return node
}

const upEverywhere = async (nodes: MeshNode[]): Promise<void> => {
  await waitFor('3 peers up on every peer', () => nodes.every(n => n.members().filter(m => m.state === 'up').length === nodes.length), 30_000)
}

export async function heal (keys: number): Promise<HealResult> {
  const dirs = [await tempDir('ae'), await tempDir('ae'), await tempDir('ae')]
  const a = await start(dirs[0], [])
  const b = await start(dirs[1], [a.multiaddrs()[0]])
  let c = await start(dirs[2], [a.multiaddrs()[0]])
  await upEverywhere([a, b, c])
  await c.stop({ announce: false })
  const value = new TextEncoder().encode('x'.repeat(100))
  let next = 0
  await Promise.all(Array.from({ length: 32 }, async () => {
    for (let i = next++; i < keys; i = next++) await a.put(`heal:${String(i).padStart(8, '0')}`, value, { w: 2 })
  }))
  c = await start(dirs[2], [a.multiaddrs()[0]])
  await upEverywhere([a, b, c])
  const t0 = performance.now()
  const r = await c.antiEntropyNow(a.peerId)
  const healMs = performance.now() - t0
  let missingAfter = 0
  for (let i = 0; i < keys; i++) if (await c.localRecord(`heal:${String(i).padStart(8, '0')}`) === undefined) missingAfter++
  await Promise.allSettled([a, b, c].map(async n => { await n.stop() }))
  return { keys, healMs, bytes: r.bytes, roundTrips: r.roundTrips, keysReceived: r.keysReceived, keysSent: r.keysSent, missingAfter }
}
