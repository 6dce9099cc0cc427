import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { AppliedWrites } from '../../src/coordinator/applied-writes.js'

const id = (n: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (n >> (i % 4 * 8)) & 0xff)

test('remembers writes by key and id, within its bounds of count and age', () => {
  const seen = new AppliedWrites({ maxEntries: 3, ttlMs: 1000 })
  seen.add('k', id(1), 'fp', 0)
  assert.equal(seen.has('k', id(1), 10), true)
  assert.equal(seen.has('other', id(1), 10), false, 'bound to the key')
  assert.equal(seen.has('k', id(1), 2000), false, 'forgotten past its age')
  for (let i = 0; i < 10; i++) seen.add('k', id(i), 'fp', 100 + i)
  assert.equal(seen.size, 3)
  assert.equal(seen.has('k', id(9), 200), true)
  assert.equal(seen.has('k', id(0), 200), false, 'the oldest went first')
})

test('property: never more than maxEntries; the newest always remembered', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.nat(50)), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (adds, max) => {
    const seen = new AppliedWrites({ maxEntries: max, ttlMs: 1e9 })
    adds.forEach(([k, n], t) => {
      seen.add(k, id(n), 'fp', t)
      assert.ok(seen.size <= max)
      assert.ok(seen.has(k, id(n), t))
    })
  }))
})

test('property: writes of keys short and long (kept as themselves or as digests) are told apart by key and id', () => {
  const key = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 30, maxLength: 300 }))
  fc.assert(fc.property(fc.uniqueArray(fc.tuple(key, fc.nat(3)), { selector: ([k, n]) => `${n}\u0000${k}`, maxLength: 30 }), fc.tuple(key, fc.nat(3)), (added, [k, n]) => {
    const seen = new AppliedWrites({ maxEntries: 1000, ttlMs: 1e9 })
    for (const [ak, an] of added) seen.add(ak, id(an), `fp ${an} ${ak}`, 0)
    const want = added.find(([ak, an]) => ak === k && an === n)
    assert.equal(seen.lookup(k, id(n), 1), want === undefined ? undefined : `fp ${n} ${k}`)
  }), { numRuns: 300 })
})

test('property: learn(key, id, fp) is add(key, id, lookup(key, id) ?? fp()), over any history', () => {
  type Op = { kind: 'add' | 'learn' | 'lookup', key: string, n: number, value: string | undefined, at: number }
  const op = fc.record({ kind: fc.constantFrom('add' as const, 'learn' as const, 'lookup' as const), key: fc.constantFrom('a', 'b'), n: fc.nat(3), value: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }), at: fc.nat(30) })
  fc.assert(fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (ops: Op[], max) => {
    const a = new AppliedWrites({ maxEntries: max, ttlMs: 10 })
    const b = new AppliedWrites({ maxEntries: max, ttlMs: 10 })
    let now = 0
    let calls = 0
    for (const o of ops) {
      now += o.at
      if (o.kind === 'add') { a.add(o.key, id(o.n), o.value, now); b.add(o.key, id(o.n), o.value, now) }
      if (o.kind === 'learn') {
        const fp = `fp${o.n}`
        a.learn(o.key, id(o.n), () => { calls++; return fp }, now)
        b.add(o.key, id(o.n), b.lookup(o.key, id(o.n), now) ?? fp, now)
      }
      if (o.kind === 'lookup') assert.equal(a.lookup(o.key, id(o.n), now), b.lookup(o.key, id(o.n), now))
      assert.equal(a.size, b.size)
    }
    for (const key of ['a', 'b']) for (let n = 0; n < 4; n++) assert.equal(a.lookup(key, id(n), now), b.lookup(key, id(n), now))
    assert.ok(calls <= ops.length)
  }), { numRuns: 500 })
})

test('property: a (key, write id) pair is found only as itself, whatever bytes, lengths and keys (short, long, holding the marks)', () => {
  const key = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '=', '#', '=k', '#k', 'k'.repeat(33), '='.repeat(40)))
  const writeId = fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 20 }), fc.constantFrom(new Uint8Array(0), Uint8Array.of(61), Uint8Array.of(35, 61)))
  fc.assert(fc.property(fc.array(fc.tuple(key, writeId), { minLength: 1, maxLength: 30 }), pairs => {
    const seen = new AppliedWrites({ maxEntries: 1000, ttlMs: 1e9 })
    pairs.forEach(([k, w], i) => { seen.add(k, w, `fp${i}`, 0) })
    const same = (a: [string, Uint8Array], b: [string, Uint8Array]): boolean => a[0] === b[0] && a[1].length === b[1].length && a[1].every((x, i) => x === b[1][i])
    for (const [i, p] of pairs.entries()) {
      // the last add of an equal pair wins
      const last = pairs.findLastIndex(q => same(p, q))
      assert.equal(seen.lookup(p[0], p[1], 1), `fp${last}`, `pair ${i}`)
    }
    // a pair never added is not found, though its bytes run into its key
    for (const [k, w] of pairs) {
      const moved: [string, Uint8Array] = [k.slice(1), Uint8Array.from([...w, k.charCodeAt(0) & 0xff])]
      if (k.length > 0 && k.charCodeAt(0) < 256 && !pairs.some(q => same(moved, q))) assert.equal(seen.lookup(moved[0], moved[1], 1), undefined)
    }
  }), { numRuns: 500 })
})
