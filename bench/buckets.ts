/**
 * `buckets`: three MeshNodes in this process (N=3, R=W=2). Put latency in
 * the default bucket, in a named bucket, and in one with a quota (checked
 * against the summed usage: no extra round trip below the limit); the time
 * one usage refresh takes (scan, publish, sum) for the keys written; and the
 * quota lag: from the write that fills a bucket through one peer to the
 * first refusal through another, at the --refresh period.
 */
import { createNode } from '../src/node.js'
import { onCleanup } from './lib/cleanup.js'
import { tempDir, waitFor } from './lib/procs.js'
import { note } from './lib/progress.js'
import { printTable } from './lib/table.js'
import type { Benchmark } from './lib/bench.js'
import type { MeshNode } from '../src/node.js'

function quantile (sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

export const buckets: Benchmark = {
  name: 'buckets',
  summary: 'bucket overhead on put latency, usage refresh time, quota enforcement lag, 3 in-process peers',
  options: {
    ops: { type: 'string', default: '2000', help: 'puts per case' },
    refresh: { type: 'string', default: '1000', help: 'bucketRefreshMs of the peers (ms)' }
  },
  async run (args) {
    const ops = args.num('ops', 10, 1_000_000)
    const refreshMs = args.num('refresh', 100, 60_000)
    const nodes: MeshNode[] = []
    const stopAll = onCleanup('stop in-process meshkv nodes', async () => {
      await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    })
    for (let i = 0; i < 3; i++) {
      nodes.push(await createNode({
        dataDir: await tempDir(`meshkv-buckets${i}`),
        cluster: 'bench',
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap: nodes.length > 0 ? [nodes[0].multiaddrs()[0]] : [],
        n: 3,
        r: 2,
        w: 2,
        bucketRefreshMs: refreshMs
      }))
    }
    await waitFor('3 peers up', () => nodes.every(n => n.members().filter(m => m.state === 'up').length === 3), 30_000, 50)
    await nodes[0].setBucket('plain', {})
    await nodes[0].setBucket('quota', { maxKeys: ops * 10, maxBytes: ops * 1000 })
    const value = new Uint8Array(100)
    const rows: Array<Array<string | number>> = []
    const result: Record<string, unknown> = { ops, refreshMs }
    for (const bucket of ['default', 'plain', 'quota']) {
      note(`buckets: ${ops} puts in ${bucket}`)
      const ms: number[] = []
      for (let i = 0; i < ops; i++) {
        const started = performance.now()
        await nodes[i % 3].put(`k${i}`, value, { bucket })
        ms.push(performance.now() - started)
      }
      ms.sort((a, b) => a - b)
      const mean = ms.reduce((a, b) => a + b, 0) / ms.length
      rows.push([`put in ${bucket}`, mean, quantile(ms, 0.5), quantile(ms, 0.99)])
      result[bucket] = { meanMs: mean, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) }
    }
    const started = performance.now()
    await nodes[0].refreshBuckets()
    const refreshTook = performance.now() - started
    rows.push([`one usage refresh (${ops * 3} keys stored on this peer, ${ops} counted cluster-wide)`, refreshTook, refreshTook, refreshTook])
    result.refreshMsTaken = refreshTook
    // the lag: fill a bucket through peer 0, then try through peer 2 until refused
    await nodes[0].setBucket('lag', { maxKeys: 10 })
    for (let i = 0; i < 10; i++) await nodes[0].put(`l${i}`, value, { bucket: 'lag' })
    const filled = performance.now()
    let extra = 0
    await waitFor('a refusal through peer 2', async () => {
      try {
        await nodes[2].put(`late${extra}`, value, { bucket: 'lag' })
        extra++
        return false
      } catch (err) {
        return (err as { code?: string }).code === 'ERR_QUOTA'
      }
    }, 60_000, 10)
    const lag = performance.now() - filled
    rows.push([`quota lag: fill through peer 0 to refusal through peer 2 (${extra} writes past the quota meanwhile)`, lag, lag, lag])
    result.quotaLagMs = lag
    result.writesPastQuota = extra
    printTable({ title: `buckets, 3 peers, N=3 R=W=2, bucketRefreshMs=${refreshMs}`, columns: ['case', 'mean ms', 'p50 ms', 'p99 ms'], rows })
    await stopAll()
    return result
  }
}
