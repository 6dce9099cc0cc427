/**
 * Actor epochs and version-vector pruning: unit cases, and properties over
 * random histories in which replicas restart (a new actor each time, start
 * times that may go backwards), write with contexts they read, and sync.
 */
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  actorId, parseActor, pruneRetired, PRUNE_ABOVE_ENTRIES, MAX_ACTOR_BYTES,
  newSet, newWithContext, sync, syncAll, join, updateWith, values, size
} from '../../src/version/index.js'
import type { DvvSet, VersionVector } from '../../src/version/index.js'

const PEER = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'
const rnd = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)

describe('actor ids', () => {
  test('peer id, then an epoch of start time and random bytes; short', () => {
    const a = actorId(PEER, 1_795_000_000_000, rnd(0xdeadbeef))
    assert.match(a, /^12D3KooW\w+\.[0-9a-z]{9}deadbeef$/)
    assert.ok(new TextEncoder().encode(a).byteLength < 80 && a.length < MAX_ACTOR_BYTES)
    assert.deepEqual(parseActor(a), { peer: PEER, startedMs: 1_795_000_000_000 })
  })

  test('two starts in the same millisecond differ; epochs order by start time', () => {
    assert.notEqual(actorId(PEER, 5, rnd(1)), actorId(PEER, 5, rnd(2)))
    assert.ok(parseActor(actorId(PEER, 1000, rnd(9))).startedMs < parseActor(actorId(PEER, 1001, rnd(0))).startedMs)
  })

  test('a bare peer id (written before epochs) parses as epoch 0', () => {
    assert.deepEqual(parseActor(PEER), { peer: PEER, startedMs: 0 })
    assert.deepEqual(parseActor('a.b'), { peer: 'a.b', startedMs: 0 })
    assert.throws(() => actorId(PEER, 1, new Uint8Array(3)), RangeError)
  })
})

type E = [actor: string, counter: number, values: string[]]
const S = (entries: E[]): DvvSet<string> =>
  ({ entries: entries.map(([actor, counter, vs]) => ({ actor, counter, values: vs })).sort((x, y) => x.actor < y.actor ? -1 : 1), anonymous: [] })
const act = (peer: string, t: number): string => actorId(peer, t, rnd(t))

describe('pruneRetired', () => {
  test('leaves a record at or under the threshold alone', () => {
    const c = S([[act('p', 1), 3, []], [act('p', 2), 1, ['x']]])
    assert.equal(pruneRetired(c, undefined, 2), c)
  })

  test('drops value-less entries of retired epochs, oldest first, down to the threshold', () => {
    const c = S([
      [act('p', 1), 3, []], [act('p', 2), 1, []], [act('p', 3), 2, []], [act('p', 4), 1, []],
      [act('q', 1), 1, []], [act('q', 5), 1, []], ['q', 7, []]
    ])
    const out = pruneRetired(c, undefined, 4)
    // retired and value-less, in epoch order: q (bare, 0), p@1, q@1, p@2, p@3; three must go
    assert.deepEqual(out.entries.map(e => e.actor).sort(), [act('p', 2), act('p', 3), act('p', 4), act('q', 5)].sort())
  })

  test('never drops an entry with values, the newest epoch of a peer, or the kept actor', () => {
    const mine = act('p', 2)
    const c = S([[act('p', 1), 3, ['v']], [mine, 1, []], [act('p', 3), 2, []], [act('q', 1), 1, []]])
    const out = pruneRetired(c, mine, 1)
    assert.deepEqual(out.entries.map(e => e.actor).sort(), [act('p', 1), mine, act('p', 3), act('q', 1)].sort())
  })

  test('the default threshold is 64 entries', () => {
    assert.equal(PRUNE_ABOVE_ENTRIES, 64)
    const many = S(Array.from({ length: 65 }, (_, i): E => [act('p', i + 1), 1, []]))
    assert.equal(pruneRetired(many, undefined).entries.length, 64)
  })
})

const PEERS = ['peer-x', 'peer-y', 'peer-z']
const P = PEERS.length
const T = 3

type Op =
  | { t: 'restart', replica: number, at: number }
  | { t: 'read', replica: number }
  | { t: 'write', replica: number, ctx: number | null }
  | { t: 'sync', from: number, to: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('restart' as const), replica: fc.nat(P - 1), at: fc.nat(30) }),
  fc.record({ t: fc.constant('read' as const), replica: fc.nat(P - 1) }),
  fc.record({ t: fc.constant('write' as const), replica: fc.nat(P - 1), ctx: fc.option(fc.nat(3), { nil: null }) }),
  fc.record({ t: fc.constant('sync' as const), from: fc.nat(P - 1), to: fc.nat(P - 1) })
)

interface World {
  replicas: Array<DvvSet<string>>
  actors: string[]
  reads: Array<{ vv: VersionVector, seen: string[] }>
  written: string[]
  superseded: Set<string>
  minted: Set<string>
}

/** Runs ops with pruning at threshold T (or none), checking the bounds after each step. */
function run (ops: Op[], prune: boolean): World {
  let starts = 0
  const w: World = { replicas: PEERS.map(() => ({ entries: [], anonymous: [] })), actors: PEERS.map(p => actorId(p, 0, rnd(starts++))), reads: [], written: [], superseded: new Set(), minted: new Set() }
  const pruned = (s: DvvSet<string>, replica: number): DvvSet<string> => prune ? pruneRetired(s, w.actors[replica], T) : s
  for (const op of ops) {
    if (op.t === 'restart') {
      // start times may go backwards (a clock set back); the random part keeps actors apart
      w.actors[op.replica] = actorId(PEERS[op.replica], op.at, rnd(starts++))
    } else if (op.t === 'read') {
      const s = w.replicas[op.replica]
      w.reads.push({ vv: join(s), seen: values(s) })
    } else if (op.t === 'write') {
      // mostly recent reads, so that writes overwrite what other replicas wrote
      const ctx = op.ctx === null || w.reads.length === 0 ? null : w.reads[Math.max(0, w.reads.length - 1 - op.ctx)]
      const value = `w${w.written.length}`
      w.written.push(value)
      ctx?.seen.forEach(v => w.superseded.add(v))
      const client = ctx === null ? newSet(value) : newWithContext(ctx.vv, value)
      const actor = w.actors[op.replica]
      const next = updateWith(client, w.replicas[op.replica], actor)
      const dot = `${actor}:${next.entries.find(e => e.actor === actor)?.counter ?? -1}`
      assert.ok(!w.minted.has(dot), `dot ${dot} minted twice`)
      w.minted.add(dot)
      w.replicas[op.replica] = pruned(next, op.replica)
    } else {
      w.replicas[op.to] = pruned(sync(w.replicas[op.to], w.replicas[op.from]), op.to)
    }
    if (prune) {
      for (const s of w.replicas) {
        // past the threshold only entries that may not go remain: those with values and one (newest or own) per peer
        assert.ok(s.entries.length <= Math.max(T, size(s) + P + 1), `${s.entries.length} entries, ${size(s)} values`)
      }
    }
  }
  return w
}

describe('pruning properties (threshold 3, 3 replicas that restart)', () => {
  const historyArb = fc.array(opArb, { minLength: 20, maxLength: 120 })

  test('vectors stay within the bound, no dot is minted twice, and no acknowledged value is lost', () => {
    fc.assert(fc.property(historyArb, ops => {
      const w = run(ops, true)
      const final = values(syncAll(w.replicas))
      for (const v of w.written) {
        if (!w.superseded.has(v)) assert.ok(final.includes(v), `acknowledged ${v} lost`)
      }
    }), { numRuns: 300 })
  })

  test('pruning only ever keeps more values than not pruning, never fewer', () => {
    fc.assert(fc.property(historyArb, ops => {
      const kept = new Set(values(syncAll(run(ops, true).replicas)))
      for (const v of values(syncAll(run(ops, false).replicas))) assert.ok(kept.has(v), `${v} lost by pruning`)
    }), { numRuns: 300 })
  })

  test('many restarts: vectors grow without pruning and stay bounded with it', () => {
    const ops: Op[] = []
    for (let i = 0; i < 60; i++) ops.push({ t: 'restart', replica: i % P, at: i + 1 }, { t: 'read', replica: i % P }, { t: 'write', replica: i % P, ctx: 0 }, { t: 'sync', from: i % P, to: (i + 1) % P })
    const plain = run(ops, false)
    const bounded = run(ops, true)
    assert.ok(Math.max(...plain.replicas.map(s => s.entries.length)) > 20)
    assert.ok(Math.max(...bounded.replicas.map(s => s.entries.length)) <= Math.max(T, P + 2))
  })

  test('a replica whose clock went back never drops its own entry (it would mint its dots again)', () => {
    const ops: Op[] = [
      { t: 'restart', replica: 0, at: 10 }, { t: 'write', replica: 0, ctx: null },
      // the next run of the same peer starts "earlier": its entry is not the peer's newest
      { t: 'restart', replica: 0, at: 5 }, { t: 'write', replica: 0, ctx: null },
      // another replica overwrites both, so replica 0's own entry holds no value
      { t: 'sync', from: 0, to: 1 }, { t: 'read', replica: 1 }, { t: 'write', replica: 1, ctx: 0 },
      { t: 'sync', from: 1, to: 0 },
      // past the threshold at replica 0, then it writes again
      { t: 'write', replica: 2, ctx: null }, { t: 'sync', from: 2, to: 0 }, { t: 'write', replica: 0, ctx: null }
    ]
    const w = run(ops, true)
    assert.ok(w.replicas[0].entries.length > 0)
  })
})
