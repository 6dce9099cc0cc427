import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { recordDigest } from '../../src/merkle/index.js'
import { siblingEquals } from '../../src/store/record.js'
import { equal, newSet, sync, update, updateWith } from '../../src/version/index.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const sibling: fc.Arbitrary<Sibling> = fc.record({
  value: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null }),
  timestamp: fc.integer({ min: 0, max: 1000 })
})

/**
 * Replica states of three replicas (actors a, b, c): each writes on its own
 * state (so no dot is minted twice) or merges another's; every state is kept.
 */
const states = fc.array(fc.tuple(fc.nat(2), sibling, fc.option(fc.nat(2), { nil: undefined })), { minLength: 1, maxLength: 10 }).map(ops => {
  const actors = ['a', 'b', 'c']
  const current: Array<KvRecord | undefined> = [undefined, undefined, undefined]
  const out: KvRecord[] = []
  for (const [i, s, from] of ops) {
    const local = current[i]
    const other = from === undefined ? undefined : current[from]
    let next: KvRecord
    if (other !== undefined) next = local === undefined ? other : sync(local, other, siblingEquals)
    else next = local === undefined ? update(newSet(s), actors[i]) : updateWith(newSet(s), local, actors[i], siblingEquals)
    current[i] = next
    out.push(next)
  }
  return out
})

test('replicas that merged the same states in any order have the same digest', () => {
  fc.assert(fc.property(states, fc.infiniteStream(fc.nat()), fc.array(sibling, { maxLength: 3 }), (list, rnd, anon) => {
    const withAnon = [...list, ...anon.map(s => newSet(s))]
    const forward = withAnon.reduce((acc, r) => sync(acc, r, siblingEquals))
    const shuffled = withAnon.map((r, i) => ({ r, k: (rnd.next().value as number) + i })).sort((x, y) => x.k - y.k).map(x => x.r)
    const backward = shuffled.reduce((acc, r) => sync(acc, r, siblingEquals))
    assert.ok(equal(forward, backward, siblingEquals))
    assert.equal(hex(recordDigest(forward)), hex(recordDigest(backward)))
  }), { numRuns: 300 })
})

test('different records have different digests', () => {
  const a = update(newSet<Sibling>({ value: new Uint8Array([1]), timestamp: 1 }), 'a')
  const b = update(newSet<Sibling>({ value: new Uint8Array([2]), timestamp: 1 }), 'a')
  const t = update(newSet<Sibling>({ value: null, timestamp: 1 }), 'a')
  const e = update(newSet<Sibling>({ value: new Uint8Array(0), timestamp: 1 }), 'a')
  const newer = updateWith(newSet<Sibling>({ value: new Uint8Array([1]), timestamp: 1 }), a, 'a', siblingEquals)
  const digests = [a, b, t, e, newer].map(r => hex(recordDigest(r)))
  assert.equal(new Set(digests).size, digests.length)
})

test('anonymous values unioned in any order have the same digest', () => {
  fc.assert(fc.property(fc.array(sibling, { minLength: 2, maxLength: 6 }), (list) => {
    const sets = list.map(s => newSet(s))
    const forward = sets.reduce((acc, r) => sync(acc, r, siblingEquals))
    const backward = [...sets].reverse().reduce((acc, r) => sync(acc, r, siblingEquals))
    assert.equal(hex(recordDigest(forward)), hex(recordDigest(backward)))
  }), { numRuns: 200 })
})
