/**
 * Records with write ids under random histories: three replicas, client
 * writes (blind or with a context from a read), retries and hedges that mint
 * an earlier write again at another replica, and syncs in any order. With
 * supersedeOtherMints on every client write, as Replica.coordinatePut does:
 * no write is lost unless a writer was shown it, replicas converge, and
 * every state is a well-formed DVVSet.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { distinctWrites, siblingEquals, supersedeOtherMints, WRITE_ID_BYTES } from '../../src/store/record.js'
import { equal, join, newSet, newWithContext, sync, syncAll, updateWith, values } from '../../src/version/index.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'
import type { VersionVector } from '../../src/version/index.js'

const ACTORS = ['peer-x', 'peer-y', 'peer-z']
const R = ACTORS.length

type Op =
  | { t: 'read', replica: number }
  | { t: 'write', replica: number, ctx: number | null }
  | { t: 'remint', replica: number, write: number }
  | { t: 'sync', from: number, to: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('read' as const), replica: fc.nat(R - 1) }),
  fc.record({ t: fc.constant('write' as const), replica: fc.nat(R - 1), ctx: fc.option(fc.nat(50), { nil: null }) }),
  fc.record({ t: fc.constant('remint' as const), replica: fc.nat(R - 1), write: fc.nat(50) }),
  fc.record({ t: fc.constant('sync' as const), from: fc.nat(R - 1), to: fc.nat(R - 1) })
)

interface Write { sibling: Sibling, context: VersionVector, name: string }
interface World { replicas: KvRecord[], reads: Array<{ vv: VersionVector, shown: string[] }>, writes: Write[], shownToWriters: Set<string> }

const name = (s: Sibling): string => new TextDecoder().decode(s.value ?? new Uint8Array(0))

function apply (w: World, replica: number, write: Write): void {
  const current = w.replicas[replica]
  const client = write.context.length === 0 ? newSet(write.sibling) : newWithContext(write.context, write.sibling)
  w.replicas[replica] = supersedeOtherMints(current, updateWith(client, current, ACTORS[replica], siblingEquals))
}

function run (ops: Op[]): World {
  const w: World = { replicas: ACTORS.map(() => ({ entries: [], anonymous: [] })), reads: [], writes: [], shownToWriters: new Set() }
  for (const op of ops) {
    if (op.t === 'read') {
      const s = w.replicas[op.replica]
      w.reads.push({ vv: join(s), shown: distinctWrites(values(s)).map(name) })
    } else if (op.t === 'write') {
      const ctx = op.ctx === null || w.reads.length === 0 ? undefined : w.reads[op.ctx % w.reads.length]
      ctx?.shown.forEach(v => w.shownToWriters.add(v))
      const n = `w${w.writes.length}`
      const write = { name: n, context: ctx?.vv ?? [], sibling: { value: new TextEncoder().encode(n), timestamp: w.writes.length, writeId: Uint8Array.from({ length: WRITE_ID_BYTES }, (_, i) => i === 0 ? w.writes.length : 0) } }
      w.writes.push(write)
      apply(w, op.replica, write)
    } else if (op.t === 'remint') {
      if (w.writes.length === 0) continue
      // a hedge or a retry: the same write (id, value, context) minted again elsewhere
      const original = w.writes[op.write % w.writes.length]
      const again = values(w.replicas[op.replica]).some(s => s.writeId?.[0] === original.sibling.writeId?.[0])
      if (!again) apply(w, op.replica, { ...original, sibling: { ...original.sibling, timestamp: original.sibling.timestamp + 0.5 } })
    } else {
      w.replicas[op.to] = sync(w.replicas[op.to], w.replicas[op.from], siblingEquals)
    }
  }
  return w
}

function wellFormed (s: KvRecord): void {
  s.entries.forEach((e, i) => {
    if (i > 0) assert.ok(s.entries[i - 1].actor < e.actor)
    assert.ok(e.values.length <= e.counter)
  })
}

describe('write ids and mints under random histories', () => {
  test('no write is lost unless a writer was shown it; replicas converge', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), ops => {
      const w = run(ops)
      w.replicas.forEach(wellFormed)
      const final = syncAll(w.replicas, siblingEquals)
      wellFormed(final)
      const left = new Set(distinctWrites(values(final)).map(name))
      for (const write of w.writes) {
        if (!left.has(write.name)) assert.ok(w.shownToWriters.has(write.name), `${write.name} gone, never shown to a writer`)
      }
      const other = syncAll([...w.replicas].reverse(), siblingEquals)
      assert.ok(equal(other, final))
      assert.deepEqual(distinctWrites(values(other)).map(name).sort(), [...left].sort())
    }), { numRuns: 500 })
  })
})
