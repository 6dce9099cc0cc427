/**
 * Property tests over random histories: three replicas, clients that read a
 * replica (values + join as context) and later write with that context
 * through some replica, and replicas that sync in random orders. The model
 * tracks which values each write's context saw, which is exactly what that
 * write may supersede.
 */
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  newSet, newWithContext, sync, syncAll, join, updateWith, values, less, equal,
  compareVectors, mergeVectors
} from '../../src/version/index.js'
import type { DvvSet, VersionVector } from '../../src/version/index.js'

const ACTORS = ['peer-x', 'peer-y', 'peer-z']
const R = ACTORS.length

type Op =
  | { t: 'read', replica: number }
  | { t: 'write', replica: number, ctx: number | null }
  | { t: 'sync', from: number, to: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('read' as const), replica: fc.nat(R - 1) }),
  fc.record({ t: fc.constant('write' as const), replica: fc.nat(R - 1), ctx: fc.option(fc.nat(50), { nil: null }) }),
  fc.record({ t: fc.constant('sync' as const), from: fc.nat(R - 1), to: fc.nat(R - 1) })
)
const historyArb = fc.array(opArb, { maxLength: 40 })

interface Read { vv: VersionVector, seen: string[] }

interface World {
  replicas: Array<DvvSet<string>>
  reads: Read[]
  written: string[]
  superseded: Set<string>
  /** every replica state along the way: all mutually consistent, so any may be synced */
  snapshots: Array<DvvSet<string>>
}

function read (w: World, replica: number): Read {
  const s = w.replicas[replica]
  return { vv: join(s), seen: values(s) }
}

function write (w: World, replica: number, ctx: Read | null): string {
  const value = `w${w.written.length}`
  w.written.push(value)
  ctx?.seen.forEach(v => w.superseded.add(v))
  const client = ctx === null ? newSet(value) : newWithContext(ctx.vv, value)
  w.replicas[replica] = updateWith(client, w.replicas[replica], ACTORS[replica])
  return value
}

function run (ops: Op[]): World {
  const w: World = { replicas: ACTORS.map(() => ({ entries: [], anonymous: [] })), reads: [], written: [], superseded: new Set(), snapshots: [] }
  for (const op of ops) {
    if (op.t === 'read') w.reads.push(read(w, op.replica))
    else if (op.t === 'write') write(w, op.replica, op.ctx === null || w.reads.length === 0 ? null : w.reads[op.ctx % w.reads.length])
    else w.replicas[op.to] = sync(w.replicas[op.to], w.replicas[op.from])
    w.snapshots.push(...w.replicas)
  }
  w.snapshots.push(...w.replicas)
  return w
}

const sorted = (vs: string[]): string[] => [...vs].sort()

function assertWellFormed (s: DvvSet<string>): void {
  s.entries.forEach((e, i) => {
    if (i > 0) assert.ok(s.entries[i - 1].actor < e.actor, 'entries sorted and unique')
    assert.ok(e.values.length <= e.counter, 'no more values than dots')
  })
  assert.equal(new Set(values(s)).size, values(s).length, 'no duplicate values')
}

/** the same causal history and the same values */
function assertSame (a: DvvSet<string>, b: DvvSet<string>): void {
  assert.ok(equal(a, b), 'equal causal history')
  assert.deepEqual(sorted(values(a)), sorted(values(b)))
}

const pick = (w: World, i: number): DvvSet<string> => w.snapshots[i % w.snapshots.length]
const runs = { numRuns: 300 }

describe('dvvset properties', () => {
  test('sync is commutative, associative and idempotent', () => {
    fc.assert(fc.property(historyArb, fc.nat(), fc.nat(), fc.nat(), (ops, i, j, k) => {
      const w = run(ops)
      const [a, b, c] = [pick(w, i), pick(w, j), pick(w, k)]
      assertSame(sync(a, b), sync(b, a))
      assertSame(sync(sync(a, b), c), sync(a, sync(b, c)))
      assertSame(sync(a, a), a)
      assertSame(sync(sync(a, b), b), sync(a, b))
      // with a client's pending value (anonymous) on one side too
      const pending = newWithContext(join(b), 'pending')
      assertSame(sync(a, pending), sync(pending, a))
      assertSame(sync(pending, pending), pending)
    }), runs)
  })

  test('join, less and equal agree with the version vectors', () => {
    fc.assert(fc.property(historyArb, fc.nat(), fc.nat(), (ops, i, j) => {
      const w = run(ops)
      const [a, b] = [pick(w, i), pick(w, j)]
      const order = compareVectors(join(a), join(b))
      assert.equal(less(a, b), order === 'before')
      assert.equal(less(b, a), order === 'after')
      if (equal(a, b)) assert.equal(order, 'equal')
      assert.deepEqual(join(sync(a, b)), mergeVectors(join(a), join(b)))
    }), runs)
  })

  test('nothing acknowledged is dropped; exactly the seen values are superseded', () => {
    fc.assert(fc.property(historyArb, ops => {
      const w = run(ops)
      w.replicas.forEach(assertWellFormed)
      const final = syncAll(w.replicas)
      assertWellFormed(final)
      const expected = w.written.filter(v => !w.superseded.has(v))
      assert.deepEqual(sorted(values(final)), sorted(expected))
      // any order of syncing converges on the same state
      assertSame(syncAll([...w.replicas].reverse()), final)
      assertSame(syncAll([w.replicas[1], w.replicas[0], w.replicas[2]]), final)
    }), runs)
  })

  test('a write with the latest context supersedes every value it saw', () => {
    fc.assert(fc.property(historyArb, fc.nat(R - 1), fc.nat(R - 1), fc.boolean(), (ops, from, via, syncedFirst) => {
      const w = run(ops)
      if (syncedFirst) {
        const all = syncAll(w.replicas)
        w.replicas = w.replicas.map(() => all)
      }
      const ctx = read(w, from)
      const value = write(w, via, ctx)
      const final = values(syncAll(w.replicas))
      assert.ok(final.includes(value))
      for (const v of ctx.seen) assert.ok(!final.includes(v), `${v} superseded`)
      if (syncedFirst) assert.deepEqual(final, [value])
    }), runs)
  })

  test('concurrent writes with the same context both survive as siblings', () => {
    fc.assert(fc.property(historyArb, fc.nat(R - 1), fc.nat(R - 1), fc.nat(R - 1), (ops, from, via1, via2) => {
      const w = run(ops)
      const ctx = read(w, from)
      const v1 = write(w, via1, ctx)
      const v2 = write(w, via2, ctx)
      const final = values(syncAll(w.replicas))
      assert.ok(final.includes(v1) && final.includes(v2))
      for (const v of ctx.seen) assert.ok(!final.includes(v))
      // and a later write that read both replaces both
      const all = syncAll(w.replicas)
      w.replicas = w.replicas.map(() => all)
      const v3 = write(w, via1, read(w, via2))
      assert.deepEqual(values(syncAll(w.replicas)), [v3])
    }), runs)
  })
})
