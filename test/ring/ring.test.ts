import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Ring, hash64, tokensFor, MAX_TOKENS_PER_MEMBER, MAX_RING_TOKENS } from '../../src/ring/index.js'
import { sortPositions } from '../../src/ring/sort.js'
import type { RingMember } from '../../src/ring/index.js'

const five: RingMember[] = ['peer-a', 'peer-b', 'peer-c', 'peer-d', 'peer-e'].map(id => ({ id, capacity: 1 }))
const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`)

/** The obvious implementation, to check the fast one against. */
function referenceList (members: RingMember[], tokensPerUnit: number, key: string, n: number): string[] {
  const tokens = members.flatMap(m => tokensFor(m, tokensPerUnit).map(t => ({ t, id: m.id })))
    .sort((a, b) => a.t < b.t ? -1 : a.t > b.t ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const h = hash64(key)
  let start = tokens.findIndex(x => x.t >= h)
  if (start < 0) start = 0
  const out: string[] = []
  for (let i = 0; i < tokens.length && out.length < n; i++) {
    const id = tokens[(start + i) % tokens.length].id
    if (!out.includes(id)) out.push(id)
  }
  return out
}

describe('hash64', () => {
  test('is the first 8 bytes of sha256, big-endian', () => {
    assert.equal(hash64(''), 0xe3b0c44298fc1c14n)
    assert.equal(hash64('abc'), 0xba7816bf8f01cfean)
  })

  test('hashes strings as UTF-8', () => {
    assert.equal(hash64('ключ'), hash64(new TextEncoder().encode('ключ')))
  })
})

describe('tokens', () => {
  test('a member gets max(1, round(capacity * tokensPerUnit)) tokens', () => {
    assert.equal(tokensFor({ id: 'x', capacity: 1 }, 128).length, 128)
    assert.equal(tokensFor({ id: 'x', capacity: 2.5 }, 128).length, 320)
    assert.equal(tokensFor({ id: 'x', capacity: 0.001 }, 128).length, 1)
    assert.deepEqual(tokensFor({ id: 'x', capacity: 1 }, 4), [0, 1, 2, 3].map(i => hash64(`x#${i}`)))
  })

  test('rejects bad capacities and duplicate or empty ids with a RangeError naming the member', () => {
    for (const capacity of [0, -1, NaN, Infinity]) {
      assert.throws(() => new Ring([{ id: 'bad-one', capacity }]), (err: Error) => err instanceof RangeError && err.message.includes('bad-one'))
    }
    assert.throws(() => new Ring([{ id: 'a', capacity: 1 }, { id: 'a', capacity: 2 }]), RangeError)
    assert.throws(() => new Ring([{ id: '', capacity: 1 }]), RangeError)
    assert.throws(() => new Ring(five, { tokensPerUnit: 0 }), RangeError)
  })
})

describe('announced tokens', () => {
  const at = (...xs: Array<number | bigint>): bigint[] => xs.map(x => BigInt(x))

  test('a member with tokens holds exactly those positions', () => {
    const quarter = 1n << 62n
    const r = new Ring([
      { id: 'a', capacity: 1, tokens: at(quarter, 3n * quarter) },
      { id: 'b', capacity: 1, tokens: at(2n * quarter, (1n << 64n) - 1n) }
    ])
    assert.equal(r.tokenCount('a'), 2)
    const own = r.ownership()
    assert.equal(own.get('a'), 0.5)
    assert.equal(own.get('b'), 0.5)
    // hash64('abc') = 0xba78... lies in (2q, 3q]: owned by a, then b
    assert.deepEqual(r.preferenceList('abc', 2), ['a', 'b'])
    assert.deepEqual(r.members()[0].tokens, at(quarter, 3n * quarter))
  })

  test('announced and derived members mix; equals compares positions', () => {
    const derived = tokensFor({ id: 'peer-a', capacity: 1 }, 128)
    const a = new Ring(five)
    const b = new Ring(five.map(m => m.id === 'peer-a' ? { ...m, tokens: derived } : m))
    assert.ok(a.equals(b))
    const c = new Ring(five.map(m => m.id === 'peer-a' ? { ...m, tokens: derived.slice(1) } : m))
    assert.ok(!a.equals(c))
    assert.equal(c.tokenCount('peer-a'), 127)
  })

  test('the same position held by two members: the smaller id owns the arc, in any input order', () => {
    const members = [{ id: 'y', capacity: 1, tokens: at(100, 200) }, { id: 'x', capacity: 1, tokens: at(200, 300) }]
    const r = new Ring(members)
    assert.ok(r.equals(new Ring([...members].reverse())))
    assert.deepEqual(r.preferenceList(new Uint8Array(0), 2).length, 2)
    const own = r.ownership()
    // x owns (100, 200] and (200, 300]; y owns (300, 100] around the top
    assert.equal(own.get('x'), 200 / 2 ** 64)
  })

  test('refuses malformed or oversized announcements with a RangeError naming the member', () => {
    const bad: unknown[] = [[], [-1n], [1n << 64n], [1, 2], Array.from({ length: MAX_TOKENS_PER_MEMBER + 1 }, (_, i) => BigInt(i)), 'abc']
    for (const tokens of bad) {
      assert.throws(() => new Ring([{ id: 'bad-one', capacity: 1, tokens: tokens as bigint[] }]),
        (err: Error) => err instanceof RangeError && err.message.includes('bad-one'), String(tokens).slice(0, 40))
    }
    assert.doesNotThrow(() => new Ring([{ id: 'ok', capacity: 1, tokens: Array.from({ length: MAX_TOKENS_PER_MEMBER }, (_, i) => BigInt(i)) }]))
    // a refused array is refused again (only accepted arrays are cached)
    const once = [5n, -5n]
    assert.throws(() => new Ring([{ id: 'bad-one', capacity: 1, tokens: once }]), RangeError)
    assert.throws(() => new Ring([{ id: 'bad-one', capacity: 1, tokens: once }]), RangeError)
  })

  test('refuses a ring over the cluster-wide budget', () => {
    const per = MAX_TOKENS_PER_MEMBER
    const members = Array.from({ length: MAX_RING_TOKENS / per }, (_, i) => ({ id: `m${i}`, capacity: per / 128 }))
    assert.equal(new Ring(members).tokenTotal, MAX_RING_TOKENS)
    assert.throws(() => new Ring([...members, { id: 'one-more', capacity: 1, tokens: [5n] }]), RangeError)
    assert.throws(() => new Ring([{ id: 'x', capacity: per / 128 + 1 }]), RangeError)
  })

  test('matches the naive reference with announced tokens, colliding ones included', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        capacity: fc.constant(1),
        tokens: fc.array(fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0n, 7n, (1n << 63n), (1n << 64n) - 1n)), { minLength: 1, maxLength: 12 })
      }), { selector: m => m.id, minLength: 1, maxLength: 6 }),
      fc.array(fc.string(), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 0, max: 7 }),
      (members, ks, n) => {
        const r = new Ring(members)
        for (const k of ks) assert.deepEqual(r.preferenceList(k, n), referenceList(members, 8, k, n))
      }), { numRuns: 200 })
  })
})

describe('Ring', () => {
  test('is the same whatever the order of the member list', () => {
    const a = new Ring(five)
    const b = new Ring([...five].reverse())
    const c = new Ring([five[2], five[0], five[4], five[1], five[3]])
    assert.ok(a.equals(b) && b.equals(c))
    assert.deepEqual(a.members().map(m => m.id), five.map(m => m.id))
    for (const k of keys.slice(0, 1000)) {
      assert.deepEqual(a.preferenceList(k, 3), c.preferenceList(k, 3))
    }
  })

  test('equals notices capacity, zone and token changes', () => {
    const a = new Ring(five)
    assert.ok(!a.equals(new Ring(five.map((m, i) => i === 0 ? { ...m, capacity: 2 } : m))))
    assert.ok(!a.equals(new Ring(five.map((m, i) => i === 0 ? { ...m, zone: 'z1' } : m))))
    assert.ok(!a.equals(new Ring(five, { tokensPerUnit: 64 })))
    assert.ok(!a.equals(new Ring(five.slice(1))))
  })

  test('size, has and tokenCount', () => {
    const r = new Ring([{ id: 'a', capacity: 1 }, { id: 'b', capacity: 2 }])
    assert.equal(r.size, 2)
    assert.ok(r.has('a') && !r.has('z'))
    assert.equal(r.tokenCount('a'), 128)
    assert.equal(r.tokenCount('b'), 256)
    assert.equal(r.tokenCount('z'), 0)
  })

  test('a preference list has n distinct members, fewer on a smaller ring', () => {
    const r = new Ring(five)
    for (const k of keys.slice(0, 2000)) {
      const l = r.preferenceList(k, 3)
      assert.equal(l.length, 3)
      assert.equal(new Set(l).size, 3)
      assert.deepEqual(r.preferenceList(k, 10), [...l, ...r.preferenceList(k, 10).slice(3)])
      assert.equal(r.preferenceList(k, 10).length, 5)
    }
    assert.deepEqual(new Ring([]).preferenceList('k', 3), [])
    assert.deepEqual(r.preferenceList('k', 0), [])
    assert.deepEqual(new Ring([{ id: 'solo', capacity: 1 }]).preferenceList('k', 3), ['solo'])
  })

  test('byte keys and string keys hash alike', () => {
    const r = new Ring(five)
    assert.deepEqual(r.preferenceList(new TextEncoder().encode('päth'), 3), r.preferenceList('päth', 3))
  })

  test('matches a naive reference implementation (including the wrap past the top)', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), capacity: fc.constantFrom(0.05, 0.5, 1, 2) }), { selector: m => m.id, minLength: 0, maxLength: 6 }),
      fc.array(fc.string(), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 0, max: 7 }),
      (members, ks, n) => {
        const r = new Ring(members, { tokensPerUnit: 8 })
        for (const k of ks) assert.deepEqual(r.preferenceList(k, n), referenceList(members, 8, k, n))
      }), { numRuns: 200 })
  })

  test('ownership sums to 1 and follows capacity', () => {
    const r = new Ring([...five, { id: 'peer-big', capacity: 2 }])
    const own = r.ownership()
    const sum = [...own.values()].reduce((a, b) => a + b, 0)
    assert.ok(Math.abs(sum - 1) < 1e-9, `sum ${sum}`)
    const small = five.map(m => own.get(m.id) ?? 0)
    const mean = small.reduce((a, b) => a + b, 0) / small.length
    const ratio = (own.get('peer-big') ?? 0) / mean
    // Deterministic ring, so no flake; the band is what 128 tokens/unit buys.
    assert.ok(ratio > 1.6 && ratio < 2.4, `capacity 2 owns ${ratio.toFixed(2)}x the mean of capacity 1`)
    for (const f of small) assert.ok(f > 1 / 7 * 0.7 && f < 1 / 7 * 1.3, `share ${f}`)
    assert.deepEqual(new Ring([{ id: 'solo', capacity: 1 }]).ownership(), new Map([['solo', 1]]))
  })

  test('ownership agrees with where keys land', () => {
    const r = new Ring(five)
    const own = r.ownership()
    const counts = new Map<string, number>()
    for (const k of keys) {
      const p = r.preferenceList(k, 1)[0]
      counts.set(p, (counts.get(p) ?? 0) + 1)
    }
    for (const [id, f] of own) assert.ok(Math.abs((counts.get(id) ?? 0) / keys.length - f) < 0.03, id)
  })

  test('adding a 6th member moves about 1/6 of the keys, all to the new member', () => {
    const before = new Ring(five)
    const after = new Ring([...five, { id: 'peer-f', capacity: 1 }])
    let moved = 0
    for (const k of keys) {
      const old = before.preferenceList(k, 3)
      const now = after.preferenceList(k, 3)
      if (old[0] !== now[0]) {
        moved++
        assert.equal(now[0], 'peer-f')
      }
      // the new member slots in somewhere; the others keep their order
      assert.deepEqual(now.filter(p => p !== 'peer-f'), old.slice(0, now.includes('peer-f') ? 2 : 3))
    }
    const fraction = moved / keys.length
    assert.ok(fraction > 0.12 && fraction < 0.22, `moved ${fraction}`)
  })

  test('removing a member moves only its keys', () => {
    const before = new Ring(five)
    const after = new Ring(five.filter(m => m.id !== 'peer-c'))
    let moved = 0
    for (const k of keys) {
      const old = before.preferenceList(k, 3)
      const now = after.preferenceList(k, 3)
      if (old[0] !== now[0]) {
        moved++
        assert.equal(old[0], 'peer-c')
      }
      const kept = old.filter(p => p !== 'peer-c')
      assert.deepEqual(now.slice(0, kept.length), kept)
    }
    assert.ok(moved / keys.length > 0.12 && moved / keys.length < 0.28, `moved ${moved}`)
  })
})

/** Zones, the obvious way: one member per unchosen zone clockwise, then any unchosen member. */
function referenceZoned (members: RingMember[], key: string, n: number): string[] {
  const tokens = members.flatMap(m => tokensFor(m, 8).map(t => ({ t, m })))
    .sort((a, b) => a.t < b.t ? -1 : a.t > b.t ? 1 : a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0)
  const h = hash64(key)
  let start = tokens.findIndex(x => x.t >= h)
  if (start < 0) start = 0
  const walk = tokens.map((_, i) => tokens[(start + i) % tokens.length].m)
  const zoneOf = (m: RingMember): string => m.zone === undefined ? `no zone: ${m.id}` : `zone: ${m.zone}`
  const out: RingMember[] = []
  for (const m of walk) if (out.length < n && !out.some(o => zoneOf(o) === zoneOf(m))) out.push(m)
  for (const m of walk) if (out.length < n && !out.includes(m)) out.push(m)
  return out.map(m => m.id)
}

describe('zones', () => {
  const zoned = fc.uniqueArray(fc.record({
    id: fc.string({ minLength: 1, maxLength: 5 }),
    capacity: fc.constantFrom(0.25, 1, 2),
    zone: fc.option(fc.constantFrom('z1', 'z2', 'z3', 'z4'), { nil: undefined })
  }, { requiredKeys: ['id', 'capacity'] }), { selector: m => m.id, minLength: 0, maxLength: 9 })

  test('six peers in three zones: every key has its three replicas in three zones', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => ({ id: `peer-${id}`, capacity: 1, zone: `zone-${i % 3}` }))
    const r = new Ring(six)
    assert.equal(r.zoneCount, 3)
    const zoneOf = new Map(six.map(m => [m.id, m.zone]))
    for (const k of keys) {
      const l = r.preferenceList(k, 3)
      assert.equal(new Set(l.map(p => zoneOf.get(p))).size, 3, `${k}: ${l.join(',')}`)
      // the rest follow, each peer once
      assert.deepEqual(r.preferenceList(k, 6).slice(0, 3), l)
      assert.equal(new Set(r.preferenceList(k, 6)).size, 6)
    }
  })

  test('a member without a zone is a zone of its own', () => {
    assert.equal(new Ring(five).zoneCount, 5)
    assert.equal(new Ring([...five, { id: 'z', capacity: 1, zone: 'x' }, { id: 'y', capacity: 1, zone: 'x' }]).zoneCount, 6)
  })

  test('match the naive reference; n distinct zones when there are n; prefixes agree; member order does not matter', () => {
    fc.assert(fc.property(zoned, fc.array(fc.string(), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 10 }), (members, ks, n) => {
      const r = new Ring(members, { tokensPerUnit: 8 })
      const shuffled = new Ring([...members].reverse(), { tokensPerUnit: 8 })
      const zones = new Set(members.map(m => m.zone ?? `no zone: ${m.id}`)).size
      const zoneOf = new Map(members.map(m => [m.id, m.zone ?? `no zone: ${m.id}`]))
      for (const k of ks) {
        const l = r.preferenceList(k, n)
        assert.deepEqual(l, referenceZoned(members, k, n))
        assert.deepEqual(shuffled.preferenceList(k, n), l)
        assert.equal(l.length, Math.min(n, members.length))
        assert.equal(new Set(l).size, l.length)
        assert.equal(new Set(l.slice(0, Math.min(n, zones)).map(p => zoneOf.get(p))).size, Math.min(n, zones))
        for (let m = 0; m < n; m++) assert.deepEqual(r.preferenceList(k, m), l.slice(0, m))
      }
    }), { numRuns: 300 })
  })
})

describe('sortPositions', () => {
  const naive = (hi: Uint32Array, lo: Uint32Array, owner: Uint32Array): number[][] =>
    Array.from(hi, (h, i) => [h, lo[i], owner[i]]).sort((a, b) => (a[0] - b[0]) || (a[1] - b[1]) || (a[2] - b[2]))

  test('orders by (hi, lo, owner), crowded buckets included', () => {
    const word = fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 1, 0xffffffff, 0x80000000))
    fc.assert(fc.property(fc.array(fc.tuple(word, word, fc.nat({ max: 5 })), { maxLength: 300 }), fc.boolean(), (entries, crowd) => {
      const hi = Uint32Array.from(entries, e => crowd ? 0x12345678 : e[0])
      const lo = Uint32Array.from(entries, e => e[1])
      const owner = Uint32Array.from(entries, e => e[2])
      const s = sortPositions(hi, lo, owner)
      assert.deepEqual(Array.from(s.hi, (h, i) => [h, s.lo[i], s.owner[i]]), naive(hi, lo, owner))
    }), { numRuns: 300 })
  })
})
