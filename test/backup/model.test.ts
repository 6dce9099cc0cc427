/**
 * Backup and restore over random histories (fast-check): puts with and
 * without a causal context and deletes with and without one, through random
 * peers of a 3-peer cluster, in the default bucket and in a named bucket
 * with its own n (whose properties live in the system bucket and travel in
 * the export too). After each history the whole cluster is exported over
 * HTTP and imported into a fresh cluster; then, for every key the history
 * touched:
 *
 * - a read through any peer of the new cluster equals the read before the
 *   export (found, every sibling value, delete siblings, the context);
 * - a named bucket's key is on its n owners only, not the cluster's n;
 * - the new cluster's export holds the very same record (every sibling, its
 *   write id and timestamp, every dot of its causal history);
 * - importing the export back into the cluster it came from changes no read.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { startCluster, bytes, text } from '../fixtures/cluster.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { bucketKey } from '../../src/buckets/encoding.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { HttpApi } from '../../src/daemon/http-api.js'
import type { MeshNode } from '../../src/node.js'

const quiet = createLog('error', { write: () => {} })
const BUCKET = 'photos'
/** the named bucket keeps 2 copies of its keys where the cluster keeps 3 */
const BUCKET_N = 2

type Kind = 'blind-put' | 'put-after-read' | 'blind-delete' | 'delete-after-read'
interface Op { kind: Kind, key: number, via: number, bucket: boolean }

interface Read { found: boolean, values: string[], deletes: number, context: string }

const where = (bucket: boolean): { bucket?: string, r: number } => bucket ? { bucket: BUCKET, r: BUCKET_N } : { r: 3 }

async function read (node: MeshNode, key: string, bucket: boolean): Promise<Read> {
  const r = await node.get(key, where(bucket))
  return { found: r.found, values: r.values.map(text).sort(), deletes: r.deletes, context: r.context }
}

/** Export lines by internal key (the bucket's mark and name included). */
async function exportLines (api: HttpApi): Promise<Map<string, string>> {
  const res = await fetch(`${api.url}/export`)
  assert.equal(res.status, 200)
  const out = new Map<string, string>()
  for (const line of (await res.text()).split('\n')) {
    if (line === '') continue
    out.set((JSON.parse(line) as { key: string }).key, line)
  }
  return out
}

async function importInto (api: HttpApi, body: string): Promise<void> {
  const res = await fetch(`${api.url}/import`, { method: 'POST', body })
  assert.equal(res.status, 200, await res.clone().text())
  await res.arrayBuffer()
}

describe('export and import over random histories', () => {
  let source: TestCluster
  let target: TestCluster
  let sourceApi: HttpApi
  let targetApi: HttpApi

  before(async () => {
    const options = { n: 3, r: 3, w: 3, antiEntropyIntervalMs: 0 }
    ;[source, target] = await Promise.all([startCluster(3, options), startCluster(3, options)])
    await Promise.all([source.converged(3), target.converged(3)])
    ;[sourceApi, targetApi] = await Promise.all([source.nodes[0], target.nodes[0]].map(async node => startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet })))
    await source.nodes[1].setBucket(BUCKET, { n: BUCKET_N, r: BUCKET_N, w: BUCKET_N })
  })

  after(async () => {
    await Promise.allSettled([sourceApi?.close(100), targetApi?.close(100)])
    await Promise.allSettled([source?.stop(), target?.stop()])
  })

  test('reads after an import into a fresh cluster equal reads before the export, siblings and deletes included', async () => {
    let run = 0
    const op = fc.record({
      kind: fc.constantFrom<Kind>('blind-put', 'put-after-read', 'blind-delete', 'delete-after-read'),
      key: fc.integer({ min: 0, max: 2 }),
      via: fc.integer({ min: 0, max: 2 }),
      bucket: fc.boolean()
    })
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops: Op[]) => {
      run++
      const name = (o: { key: number }): string => `run${run}/k${o.key}`
      for (const [i, o] of ops.entries()) {
        const node = source.nodes[o.via]
        const opts = o.bucket ? { bucket: BUCKET } : {}
        const after = o.kind === 'put-after-read' || o.kind === 'delete-after-read' ? (await node.get(name(o), where(o.bucket))).context : undefined
        const context = after === undefined || after === '' ? {} : { context: after }
        if (o.kind.endsWith('put')) await node.put(name(o), bytes(`run ${run} op ${i}`), { ...opts, ...context })
        else await node.delete(name(o), { ...opts, ...context })
      }
      const touched = [...new Map(ops.map(o => [`${String(o.bucket)}:${o.key}`, o])).values()]
      const before = await Promise.all(touched.map(async o => read(source.nodes[0], name(o), o.bucket)))
      const exported = await exportLines(sourceApi)
      await importInto(targetApi, [...exported.values()].join('\n') + '\n')

      // the bucket's properties came with the export: every peer of the new cluster knows its n
      await Promise.all(target.nodes.map(async n => { await n.refreshBuckets() }))
      for (const [i, o] of touched.entries()) {
        for (const node of target.nodes) assert.deepEqual(await read(node, name(o), o.bucket), before[i], `${name(o)}${o.bucket ? ` in ${BUCKET}` : ''} through ${node.peerId}`)
      }
      // a bucket's key is imported to its own n replicas, not the cluster's
      for (const o of touched.filter(t => t.bucket)) {
        const internal = bucketKey(BUCKET, name(o))
        const owners = target.nodes[0].preferenceList(internal).slice(0, BUCKET_N)
        for (const node of target.nodes.filter(n => !owners.includes(n.peerId))) assert.equal(await node.localRecord(internal), undefined, `${name(o)} in ${BUCKET} on a peer that is not one of its ${BUCKET_N} owners`)
      }
      const again = await exportLines(targetApi)
      for (const [key, line] of exported) {
        if (!key.includes(`run${run}/`)) continue
        assert.equal(again.get(key), line, `the record of ${JSON.stringify(key)}`)
      }

      // the same file into the cluster it came from: nothing changes
      await importInto(sourceApi, [...exported.values()].join('\n') + '\n')
      for (const [i, o] of touched.entries()) assert.deepEqual(await read(source.nodes[2], name(o), o.bucket), before[i])
    }), { numRuns: 12 })
  })
})
