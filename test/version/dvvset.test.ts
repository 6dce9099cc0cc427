/** Unit tests ported from Riak's dvvset.erl (its EUnit section), plus immutability. */
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import {
  empty, newSet, newWithContext, sync, syncAll, join, update, updateWith,
  values, size, ids, less, equal, mapValues
} from '../../src/version/index.js'
import type { DvvSet } from '../../src/version/index.js'

type E = [actor: string, counter: number, values: string[]]
/** {[{I, N, L}...], Anon} in Erlang notation */
const S = (entries: E[], anonymous: string[] = []): DvvSet<string> =>
  ({ entries: entries.map(([actor, counter, vs]) => ({ actor, counter, values: vs })), anonymous })

function deepFreeze<T> (x: T): T {
  if (typeof x === 'object' && x !== null) {
    Object.values(x).forEach(deepFreeze)
    Object.freeze(x)
  }
  return x
}

describe('dvvset (Riak tests)', () => {
  test('join', () => {
    const A = newSet('v1')
    const A1 = update(A, 'a')
    const B = newWithContext(join(A1), 'v2')
    const B1 = updateWith(B, A1, 'b')
    assert.deepEqual(join(A), [])
    assert.deepEqual(join(A1), [['a', 1]])
    assert.deepEqual(join(B1), [['a', 1], ['b', 1]])
  })

  test('update', () => {
    const A0 = update(newSet('v1'), 'a')
    const A1 = updateWith(newWithContext(join(A0), 'v2'), A0, 'a')
    const A2 = updateWith(newWithContext(join(A1), 'v3'), A1, 'b')
    const A3 = updateWith(newWithContext(join(A0), 'v4'), A1, 'b')
    const A4 = updateWith(newWithContext(join(A0), 'v5'), A1, 'a')
    assert.deepEqual(A0, S([['a', 1, ['v1']]]))
    assert.deepEqual(A1, S([['a', 2, ['v2']]]))
    assert.deepEqual(A2, S([['a', 2, []], ['b', 1, ['v3']]]))
    assert.deepEqual(A3, S([['a', 2, ['v2']], ['b', 1, ['v4']]]))
    assert.deepEqual(A4, S([['a', 3, ['v5', 'v2']]]))
  })

  test('sync', () => {
    const X = S([['x', 1, []]])
    const A = update(newSet('v1'), 'a')
    const Y = update(newSet('v2'), 'b')
    const A1 = update(newWithContext(join(A), 'v2'), 'a')
    const A3 = update(newWithContext(join(A1), 'v3'), 'b')
    const A4 = update(newWithContext(join(A1), 'v3'), 'c')
    const W = S([['a', 1, []]])
    const Z = S([['a', 2, ['v2', 'v1']]])
    assert.deepEqual(syncAll([W, Z]), S([['a', 2, ['v2']]]))
    assert.deepEqual(syncAll([W, Z]), syncAll([Z, W]))
    assert.deepEqual(syncAll([A, A1]), syncAll([A1, A]))
    assert.deepEqual(syncAll([A4, A3]), syncAll([A3, A4]))
    assert.deepEqual(syncAll([A4, A3]), S([['a', 2, []], ['b', 1, ['v3']], ['c', 1, ['v3']]]))
    assert.deepEqual(syncAll([X, A]), S([['a', 1, ['v1']], ['x', 1, []]]))
    assert.deepEqual(syncAll([X, A]), syncAll([A, X]))
    assert.deepEqual(syncAll([A, Y]), S([['a', 1, ['v1']], ['b', 1, ['v2']]]))
    assert.deepEqual(syncAll([Y, A]), syncAll([A, Y]))
  })

  test('sync and update', () => {
    const A0 = update(newSet('v1'), 'a') // Mary writes v1 w/o VV
    const VV1 = join(A0) // Peter reads v1 with version vector (VV)
    const A1 = updateWith(newSet('v2'), A0, 'a') // Mary writes v2 w/o VV
    const A2 = updateWith(newWithContext(VV1, 'v3'), A1, 'a') // Peter writes v3 with VV from v1
    assert.deepEqual(VV1, [['a', 1]])
    assert.deepEqual(A0, S([['a', 1, ['v1']]]))
    assert.deepEqual(A1, S([['a', 2, ['v2', 'v1']]]))
    // v3 is causally newer than v1, so only v2 and v3 remain
    assert.deepEqual(A2, S([['a', 3, ['v3', 'v2']]]))
  })

  test('event (through update)', () => {
    const A = update(newSet('v1'), 'a')
    assert.deepEqual(updateWith(newSet('v2'), A, 'a').entries, S([['a', 2, ['v2', 'v1']]]).entries)
    assert.deepEqual(updateWith(newSet('v2'), A, 'b').entries, S([['a', 1, ['v1']], ['b', 1, ['v2']]]).entries)
    // a new actor sorting first goes first
    assert.deepEqual(ids(updateWith(newSet('v2'), A, '0')), ['0', 'a'])
  })

  test('less', () => {
    const A = update(newSet('v1'), 'a')
    const B = update(newWithContext(join(A), 'v2'), 'a')
    const B2 = update(newWithContext(join(A), 'v2'), 'b')
    const B3 = update(newWithContext(join(A), 'v2'), 'z')
    const C = updateWith(newWithContext(join(B), 'v3'), A, 'c')
    const D = updateWith(newWithContext(join(C), 'v4'), B2, 'd')
    assert.ok(less(A, B))
    assert.ok(less(A, C))
    assert.ok(less(B, C))
    assert.ok(less(B, D))
    assert.ok(less(B2, D))
    assert.ok(less(A, D))
    assert.ok(!less(B2, C))
    assert.ok(!less(B, B2))
    assert.ok(!less(B2, B))
    assert.ok(!less(A, A))
    assert.ok(!less(C, C))
    assert.ok(!less(D, B2))
    assert.ok(!less(B3, D))
  })

  test('equal compares causal history and the values under each dot', () => {
    const A = S([['a', 4, ['v5', 'v0']], ['b', 0, []], ['c', 1, ['v3']]], ['v0'])
    const A2 = S([['a', 4, ['v5', 'v0']], ['b', 0, []], ['c', 1, ['v3']]], ['v0'])
    const B = S([['a', 4, ['v555', 'v0']], ['b', 0, []], ['c', 1, ['v3']]], ['v0'])
    const C = S([['a', 4, ['v5', 'v0']], ['b', 0, []]], ['v6', 'v1'])
    assert.ok(equal(A, A2))
    // the same dots holding different values: a dot minted twice
    assert.ok(!equal(A, B))
    assert.ok(!equal(B, A))
    assert.ok(!equal(A, C))
    assert.ok(!equal(B, C))
    // how many dots are live is part of the history (as in Erlang)
    assert.ok(!equal(S([['a', 2, ['x']]]), S([['a', 2, ['x', 'y']]])))
    // anonymous values compare as sets
    assert.ok(equal(S([], ['x', 'y']), S([], ['y', 'x'])))
    assert.ok(!equal(S([], ['x', 'y']), S([], ['x', 'z'])))
    // values compare by the eq given
    const boxed = (v: string): { v: string } => ({ v })
    const X: DvvSet<{ v: string }> = { entries: [{ actor: 'a', counter: 1, values: [boxed('x')] }], anonymous: [] }
    const Y: DvvSet<{ v: string }> = { entries: [{ actor: 'a', counter: 1, values: [boxed('x')] }], anonymous: [] }
    assert.ok(!equal(X, Y))
    assert.ok(equal(X, Y, (p, q) => p.v === q.v))
  })

  test('size', () => {
    assert.equal(size(newSet('v1')), 1)
    assert.equal(size(S([['a', 4, ['v5', 'v0']], ['b', 0, []], ['c', 1, ['v3']]], ['v4', 'v1'])), 5)
    assert.equal(size(empty()), 0)
  })

  test('ids and values', () => {
    const A = S([['a', 4, ['v0', 'v5']], ['b', 0, []], ['c', 1, ['v3']]], ['v1'])
    const B = S([['a', 4, ['v555', 'v0']], ['b', 0, []], ['c', 1, ['v3']]], [])
    const C = S([['a', 4, []], ['b', 0, []]], ['v1', 'v6'])
    assert.deepEqual(ids(A), ['a', 'b', 'c'])
    assert.deepEqual(ids(B), ['a', 'b', 'c'])
    assert.deepEqual(ids(C), ['a', 'b'])
    assert.deepEqual(values(A), ['v0', 'v5', 'v3', 'v1']) // entries' values, then anonymous
    assert.deepEqual([...values(B)].sort(), ['v0', 'v3', 'v555'])
    assert.deepEqual([...values(C)].sort(), ['v1', 'v6'])
  })

  test('map', () => {
    const A = S([['a', 4, ['v0', 'v5']], ['b', 0, []], ['c', 1, ['v3']]], ['v1'])
    assert.deepEqual(mapValues(A, v => v.toUpperCase()), S([['a', 4, ['V0', 'V5']], ['b', 0, []], ['c', 1, ['V3']]], ['V1']))
  })
})

describe('dvvset (this port)', () => {
  test('never mutates its inputs, and outputs share no arrays with them', () => {
    const A = deepFreeze(update(newSet('v1'), 'a'))
    const B = deepFreeze(updateWith(newWithContext(join(A), 'v2'), A, 'b'))
    const C = deepFreeze(S([['a', 1, ['v1']], ['c', 3, ['w3', 'w2']]], ['anon']))
    const out = [sync(A, C), sync(C, B), syncAll([A, B, C]), updateWith(deepFreeze(newSet('v9')), C, 'c'), update(deepFreeze(newWithContext([['c', 1]], 'v')), 'a')]
    for (const o of out) {
      // would throw on a frozen input array
      for (const e of o.entries) e.values.push('mutated')
      o.anonymous.push('mutated')
    }
    assert.deepEqual(C, S([['a', 1, ['v1']], ['c', 3, ['w3', 'w2']]], ['anon']))
  })

  test('anonymous values of concurrent sets are unioned by eq; of older sets, dropped', () => {
    assert.deepEqual(sync(newSet('x'), newSet('y')).anonymous, ['x', 'y'])
    assert.deepEqual(sync(newSet('x'), newSet('x')).anonymous, ['x'])
    assert.deepEqual(sync(S([['a', 1, []]], ['old']), S([['a', 2, []]], ['new'])).anonymous, ['new'])
    const eq = (x: { v: string }, y: { v: string }): boolean => x.v === y.v
    assert.equal(sync(newSet({ v: 'x' }), newSet({ v: 'x' }), eq).anonymous.length, 1)
    assert.equal(sync(newSet({ v: 'x' }), newSet({ v: 'x' })).anonymous.length, 2)
  })

  test('newWithContext sorts and collapses duplicate actors', () => {
    assert.deepEqual(newWithContext([['b', 1], ['a', 2], ['b', 3]], 'v'), S([['a', 2, []], ['b', 3, []]], ['v']))
  })

  test('update needs exactly one client value', () => {
    assert.throws(() => update(empty(), 'a'), RangeError)
    assert.throws(() => updateWith(sync(newSet('x'), newSet('y')), empty(), 'a'), RangeError)
  })

  test('syncAll of nothing is empty', () => {
    assert.deepEqual(syncAll([]), empty())
  })
})
