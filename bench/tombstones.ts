/**
 * `tombstones`: three MeshNodes in this process (N=3, W=3). Writes
 * `--live` keys that stay and `--deleted` keys that are put and then
 * deleted, waits out a short grace, then runs collection passes on every
 * peer until no delete is left: per pass, records read, deletes collected
 * and the time the pass took; at the end, the rounds it took and the share
 * reaped (issue 9 asks for every tombstone, where Riak users see 99-99.9%).
 */
import { createNode } from '../src/node.js'
import { onCleanup } from './lib/cleanup.js'
import { tempDir, waitFor } from './lib/procs.js'
import { note } from './lib/progress.js'
import { printTable } from './lib/table.js'
import type { Benchmark } from './lib/bench.js'
import type { MeshNode } from '../src/node.js'

const GRACE_MS = 1_000

async function inBatches<T> (items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn))
}

export const tombstones: Benchmark = {
  name: 'tombstones',
  summary: 'tombstone collection: pass time and rounds to reap every delete, 3 in-process peers',
  options: {
    live: { type: 'string', default: '5000', help: 'keys written and kept' },
    deleted: { type: 'string', default: '2000', help: 'keys written, then deleted' },
    rounds: { type: 'string', default: '5', help: 'most collection rounds (a pass on every peer) before giving up' }
  },
  async run (args) {
    const live = args.num('live', 0, 1_000_000)
    const deleted = args.num('deleted', 1, 1_000_000)
    const maxRounds = args.num('rounds', 1, 100)
    const nodes: MeshNode[] = []
    const stopAll = onCleanup('stop in-process meshkv nodes', async () => {
      await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    })
    for (let i = 0; i < 3; i++) {
      nodes.push(await createNode({
        dataDir: await tempDir(`meshkv-tomb${i}`),
        cluster: 'bench',
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: nodes.length > 0 ? [nodes[0].multiaddrs()[0]] : [],
        n: 3,
        r: 2,
        w: 3,
        tombstoneGraceMs: GRACE_MS,
        tombstoneScanMs: 24 * 3_600_000
      }))
    }
    await waitFor('3 peers up', () => nodes.every(n => n.members().filter(m => m.state === 'up').length === 3), 30_000, 50)
    const value = new Uint8Array(100)
    note(`tombstones: writing ${live} live and ${deleted} deleted keys`)
    await inBatches(Array.from({ length: live }, (_, i) => `live-${i}`), 32, async k => nodes[0].put(k, value))
    await inBatches(Array.from({ length: deleted }, (_, i) => `gone-${i}`), 32, async k => {
      const put = await nodes[1].put(k, value)
      await nodes[2].delete(k, { context: put.context })
    })
    await new Promise(resolve => setTimeout(resolve, GRACE_MS))
    const rows: Array<Array<string | number>> = []
    let round = 0
    let left = deleted * 3
    while (left > 0 && round < maxRounds) {
      round++
      for (const [i, node] of nodes.entries()) {
        const started = performance.now()
        const pass = await node.collectTombstonesNow()
        const ms = performance.now() - started
        left -= pass.collected
        rows.push([round, i, pass.scanned, pass.tombstones, pass.collected, pass.blocked, ms, ms / Math.max(1, pass.checked)])
      }
    }
    const total = deleted * 3
    printTable({
      title: `tombstone collection, 3 peers, N=3: ${live} live keys, ${deleted} deleted keys (${total} tombstone records); reaped ${total - left} of ${total} in ${round} round(s)`,
      columns: ['round', 'peer', 'records read', 'tombstones', 'collected', 'blocked', 'pass ms', 'ms per key checked'],
      rows
    })
    await stopAll()
    return { live, deleted, records: total, reaped: total - left, rounds: round, passes: rows.map(r => ({ round: r[0], peer: r[1], scanned: r[2], tombstones: r[3], collected: r[4], blocked: r[5], ms: r[6] })) }
  }
}
