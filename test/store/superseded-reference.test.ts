/**
 * Superseded refs against the version they replaced
 * (test/store/superseded-reference.ts): over random records whose siblings
 * share write ids and values (as mints of one write do), every function
 * gives the same answer, the same references in the same order, the same
 * siblings.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import * as fast from '../../src/store/superseded.js'
import * as reference from './superseded-reference.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const ids = [0, 1, 2, 3, 4, 5].map(n => Uint8Array.from({ length: 16 }, (_, i) => (n * 41 + i * 13) & 0xff))
// a pool id that is the shorter odd id below zero-padded: writeRef pads a short id, so their references are one
ids.push(Uint8Array.of(...ids[1].slice(0, 8), 0, 0, 0, 0, 0, 0, 0, 0))
// ids of other lengths (never accepted from a peer, but the functions take
// them): a longer one whose reference is that of ids[0] (writeRef keeps its
// first 16 bytes), and a shorter one
const oddIds = [Uint8Array.of(...ids[0], 1, 2, 3, 4), ids[1].slice(0, 8)]
const contents = ['a', 'b', 'a longer value', ''].map(v => new TextEncoder().encode(v))

/** a fresh value object each time (as a record decoded again), as a Buffer or a plain Uint8Array */
const valueArb: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.tuple(fc.nat(contents.length - 1), fc.boolean()).map(([i, buf]) => buf ? Buffer.from(contents[i]) : contents[i].slice()) }
)
const writeIdArb: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(ids.length - 1).map(i => ids[i].slice()) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(...oddIds) }
)
/** references of the pool's writes, as the records of a history would hold */
const poolRefArb: fc.Arbitrary<Uint8Array> = fc.tuple(fc.nat(ids.length - 1), valueArb).map(([i, value]) => reference.writeRef({ value, timestamp: 0, writeId: ids[i] }) as Uint8Array)
/** and, now and then, one of another length that starts (or ends) like a pool write's (a peer's list is not trusted to hold only references) */
const refArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 8, arbitrary: poolRefArb },
  { weight: 1, arbitrary: fc.tuple(poolRefArb, fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([r, tail]) => Uint8Array.of(...r, ...tail)) },
  { weight: 1, arbitrary: fc.tuple(poolRefArb, fc.integer({ min: 1, max: 23 })).map(([r, len]) => r.slice(0, len)) }
)
const siblingArb: fc.Arbitrary<Sibling> = fc.record({
  value: valueArb,
  timestamp: fc.nat(5),
  writeId: writeIdArb,
  supersedes: fc.option(fc.array(refArb, { maxLength: 20 }), { nil: undefined })
}, { requiredKeys: ['value', 'timestamp'] }).map(s => {
  const out: Sibling = { value: s.value, timestamp: s.timestamp }
  if (s.writeId !== undefined) out.writeId = s.writeId
  if (s.supersedes !== undefined) out.supersedes = s.supersedes
  return out
})
const recordArb: fc.Arbitrary<KvRecord> = fc.record({
  entries: fc.uniqueArray(fc.record({ actor: fc.constantFrom('a', 'b', 'c'), counter: fc.nat(9), values: fc.array(siblingArb, { maxLength: 3 }) }), { selector: e => e.actor, maxLength: 3 }),
  anonymous: fc.array(siblingArb, { maxLength: 2 })
})

test('supersededBy and contextWrites name the same writes in the same order', () => {
  fc.assert(fc.property(fc.option(recordArb, { nil: undefined }), recordArb, fc.boolean(), (current, next, share) => {
    // the next record keeps some of the current's siblings, as a write over it does
    if (share && current !== undefined) next = { ...next, anonymous: [...next.anonymous, ...current.anonymous, ...current.entries.flatMap(e => e.values.slice(0, 1))] }
    assert.deepEqual(fast.supersededBy(current, next), reference.supersededBy(current, next))
    assert.deepEqual(fast.contextWrites(current), reference.contextWrites(current))
  }), { numRuns: 2000 })
})

test('unreplaced keeps the same siblings, replacedWrite knows writes alike, fingerprints and references agree', () => {
  fc.assert(fc.property(recordArb, siblingArb, (record, s) => {
    assert.deepEqual(fast.unreplaced(record), reference.unreplaced(record))
    assert.equal(fast.replacedWrite(record, s), reference.replacedWrite(record, s))
    assert.equal(fast.replacedWrite(undefined, s), reference.replacedWrite(undefined, s))
    assert.equal(fast.valueFingerprint(s), reference.valueFingerprint(s))
    assert.deepEqual(fast.writeRef(s), reference.writeRef(s))
  }), { numRuns: 2000 })
})

test('withContextWrites merges named writes alike', () => {
  fc.assert(fc.property(fc.array(refArb, { maxLength: 16 }), fc.array(fc.oneof({ weight: 9, arbitrary: refArb }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 20 }), (own, named) => {
    assert.deepEqual(fast.withContextWrites(own, named), reference.withContextWrites(own, named))
  }), { numRuns: 2000 })
})
