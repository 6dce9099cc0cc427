/**
 * The record cache against no cache, over random histories (fast-check):
 * writes and deletes through several coordinators (a capacity-0 node with
 * the cache, one without, two replicas), with the contexts each last saw
 * or none, at every W; writes that reach one replica only (as a hint or an
 * anti-entropy exchange would bring them: replicas that disagree, so a
 * read's replies mix "same" and whole records); replicas collecting the
 * records of deletes only (a cached delete outliving the replicas' copy);
 * reads through the caching node at every R, which leave it a cache entry
 * of what some replicas held. Every value a read or write hands back is
 * then overwritten, as an app decoding in place would.
 * At each check, a read through the caching node and one through the other,
 * both of all N replicas, must answer alike: the same values, the same
 * number of deletes and the same causal context. All N: the join of every
 * replica's record is what both must see, whatever replication and read
 * repair do between the two reads; any fewer and two honest reads may
 * differ.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { bytes, startCluster, text, waitFor } from '../fixtures/cluster.js'
import { decodeContextWrites, empty, join, newWithContext, updateWith } from '../../src/version/index.js'
import { siblingEquals, WRITE_ID_BYTES } from '../../src/store/record.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { GetResult } from '../../src/coordinator/coordinator.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

type Via = 'cached' | 'plain' | 'a' | 'b'
type Command =
  | { op: 'write', via: Via, key: number, remove: boolean, withContext: boolean, w: number }
  | { op: 'side', replica: number, key: number, remove: boolean, supersede: boolean }
  | { op: 'read', via: Via, key: number, r: number }
  | { op: 'check', key: number }
  | { op: 'purge', replicas: number[] }

const KEYS = 2
const via = fc.constantFrom<Via>('cached', 'plain', 'a', 'b')
const key = fc.integer({ min: 0, max: KEYS - 1 })
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), via, key, remove: fc.boolean(), withContext: fc.boolean(), w: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('side' as const), replica: fc.integer({ min: 0, max: 2 }), key, remove: fc.boolean(), supersede: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('read' as const), via: fc.constantFrom<Via>('cached', 'cached', 'plain', 'a'), key, r: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('check' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('purge' as const), replicas: fc.subarray([0, 1, 2], { minLength: 1 }) }) }
)

/** What an app may do to the values it was given (decode in place): none of it may show in a later read. */
function scribble (values: Uint8Array[]): void {
  for (const v of values) v.fill(0x3f)
}

const sameReplies = (node: MeshNode): number => node.metrics.counter('meshkv_rpc_same_replies_total')

/** What a read says, in an order two reads of one record agree on. */
function said (got: GetResult, key: string): { values: string[], deletes: number, vector: string[], writes: string[] } {
  const ctx = got.context === '' ? { vector: [], writes: [] } : decodeContextWrites(got.context, key)
  return {
    values: got.values.map(text).sort(),
    deletes: got.deletes,
    vector: ctx.vector.map(([actor, counter]) => `${actor}:${counter}`).sort(),
    writes: ctx.writes.map(w => Buffer.from(w).toString('hex')).sort()
  }
}

describe('record cache model: reads through a caching coordinator answer as through one without (3 peers, N3 R2 W2)', () => {
  let cluster: TestCluster
  let cached: MeshNode
  let plain: MeshNode
  before(async () => {
    // deletes past their grace at once, collected only when a command says
    cluster = await startCluster(3, { n: 3, r: 2, w: 2, tombstoneGraceMs: 1, tombstoneScanMs: 3_600_000 })
    cached = await cluster.add({ capacity: 0 })
    plain = await cluster.add({ capacity: 0, recordCacheBytes: 0 })
    await cluster.converged(3)
    const [a] = cluster.nodes
    await waitFor('the capacity-0 nodes to place keys as the members do', () =>
      ['probe0', 'probe1', 'probe2'].every(k => [cached, plain].every(n => n.preferenceList(k).join() === a.preferenceList(k).join())))
  })
  after(async () => { await cluster.stop() })

  test('random histories of writes, one-replica writes, tombstone collection and reads', async t => {
    let run = 0
    let sides = 0
    let checks = 0
    let purged = 0
    const sameBefore = sameReplies(cached)
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async commands => {
      const runId = run++
      const keyOf = (k: number): string => `model${runId}-${k}`
      const nodes: Record<Via, MeshNode> = { cached, plain, a: cluster.nodes[0], b: cluster.nodes[1] }
      // the context each coordinator's client last saw of each key
      const contexts = new Map<string, string>()
      let written = 0
      for (const c of commands) {
        const k = 'key' in c ? keyOf(c.key) : ''
        if (c.op === 'write') {
          const context = c.withContext ? contexts.get(`${c.via} ${k}`) : undefined
          const out = c.remove
            ? await nodes[c.via].delete(k, { w: c.w, context })
            : await nodes[c.via].put(k, bytes(`${k} ${written++} via ${c.via} `.padEnd(600, '.')), { w: c.w, context })
          contexts.set(`${c.via} ${k}`, out.context)
          scribble(out.values)
        } else if (c.op === 'side') {
          // a write only this replica holds: a dot of an actor of its own
          const node = cluster.nodes[c.replica]
          const current = await node.localRecord(k)
          const sibling: Sibling = { value: c.remove ? null : bytes(`${k} side ${sides} `.padEnd(600, '.')), timestamp: Date.now(), writeId: crypto.getRandomValues(new Uint8Array(WRITE_ID_BYTES)) }
          const record: KvRecord = updateWith(newWithContext(c.supersede && current !== undefined ? join(current) : [], sibling), current ?? empty(), `side-${runId}-${sides++}`, siblingEquals)
          const replica = (node as unknown as { coordinator: { init: { replica: { localSync: (key: string, record: KvRecord) => Promise<unknown> } } } }).coordinator.init.replica
          await replica.localSync(k, record)
        } else if (c.op === 'purge') {
          // these replicas drop the records of deletes only that every owner holds alike
          for (const i of c.replicas) purged += (await cluster.nodes[i].collectTombstonesNow()).collected
        } else if (c.op === 'read') {
          const got = await nodes[c.via].get(k, { r: c.r })
          contexts.set(`${c.via} ${k}`, got.context)
          scribble(got.values)
        } else {
          const viaCache = await cached.get(k, { r: 3 })
          const without = await plain.get(k, { r: 3 })
          contexts.set(`cached ${k}`, viaCache.context)
          contexts.set(`plain ${k}`, without.context)
          assert.deepEqual(said(viaCache, k), said(without, k), `key ${k}: the caching coordinator read otherwise than the plain one`)
          scribble(viaCache.values)
          checks++
        }
      }
    }), { numRuns: 25, endOnFailure: true })
    t.diagnostic(`${run} histories, ${checks} checks, ${sides} one-replica writes, ${purged} records of deletes collected, ${sameReplies(cached) - sameBefore} "same" replies`)
    assert.ok(checks > 0)
    // the property held with the cache in play: replicas answered "same"
    assert.ok(sameReplies(cached) - sameBefore > 0, 'no read through the caching node was answered "same"')
    assert.equal(sameReplies(plain), 0)
  })
})
