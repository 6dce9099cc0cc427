import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MerkleIndex, coalesce, intervals, leafHash, splitArc } from '../../src/merkle/index.js'
import { hash64 } from '../../src/ring/hash.js'
import { inRange } from '../../src/ring/ring.js'
import type { Arc } from '../../src/merkle/index.js'

const TOP = (1n << 64n) - 1n
const position = fc.bigInt({ min: 0n, max: TOP })
const arc = fc.record({ start: position, end: position })
const digest = fc.uint8Array({ minLength: 16, maxLength: 16 })
const pairs = fc.uniqueArray(fc.tuple(fc.string({ maxLength: 12 }), digest), { selector: p => p[0], maxLength: 60 })
/** few buckets, so arc ends fall inside buckets and whole buckets both occur */
const bucketBits = fc.integer({ min: 1, max: 6 })

function hex (b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}

/** every key's leaf XORed, by brute force */
function bruteForce (entries: Array<[string, Uint8Array]>, a: Arc): { hash: string, count: number } {
  const acc = new Uint32Array(4)
  let count = 0
  for (const [k, d] of entries) {
    if (!inRange(hash64(k), a)) continue
    const leaf = leafHash(k, d)
    for (let i = 0; i < 4; i++) acc[i] ^= leaf[i]
    count++
  }
  const out = new Uint8Array(16)
  const v = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) v.setUint32(i * 4, acc[i])
  return { hash: hex(out), count }
}

function build (entries: Array<[string, Uint8Array]>, bits: number): MerkleIndex {
  const index = new MerkleIndex({ bucketBits: bits })
  for (const [k, d] of entries) index.set(k, d)
  return index
}

/** an arc through a key's position, so partial buckets are hit with keys in them */
const arcNearKeys = (entries: Array<[string, Uint8Array]>): fc.Arbitrary<Arc> =>
  entries.length === 0
    ? arc
    : fc.tuple(fc.nat(entries.length - 1), fc.nat(entries.length - 1), fc.bigInt({ min: -3n, max: 3n }), fc.bigInt({ min: -3n, max: 3n }))
      .map(([i, j, di, dj]) => ({ start: (hash64(entries[i][0]) + di + (1n << 64n)) % (1n << 64n), end: (hash64(entries[j][0]) + dj + (1n << 64n)) % (1n << 64n) }))

test('an arc\'s hash and count equal a brute-force recomputation', () => {
  fc.assert(fc.property(pairs, bucketBits, arc, (entries, bits, a) => {
    const s = build(entries, bits).summary(a)
    assert.deepEqual({ hash: hex(s.hash), count: s.count }, bruteForce(entries, a))
  }), { numRuns: 300 })
  fc.assert(fc.property(pairs.chain(e => fc.tuple(fc.constant(e), arcNearKeys(e), bucketBits)), ([entries, a, bits]) => {
    const index = build(entries, bits)
    const s = index.summary(a)
    assert.deepEqual({ hash: hex(s.hash), count: s.count }, bruteForce(entries, a))
    const listed = index.keys(a).map(k => k.key).sort()
    assert.deepEqual(listed, entries.filter(([k]) => inRange(hash64(k), a)).map(([k]) => k).sort())
  }), { numRuns: 300 })
})

test('the same (key, digest) set gives the same hashes whatever the insertion order and history', () => {
  fc.assert(fc.property(pairs, fc.array(fc.tuple(fc.string({ maxLength: 12 }), digest), { maxLength: 20 }), bucketBits, fc.array(arc, { maxLength: 5 }), fc.infiniteStream(fc.nat()), (entries, noise, bits, arcs, rnd) => {
    const a = build(entries, bits)
    // b sees the pairs shuffled, with other digests and keys set and removed on the way
    const b = new MerkleIndex({ bucketBits: bits })
    for (const [k, d] of noise) b.set(k, d)
    const order = entries.map((e, i) => ({ e, r: rnd.next().value as number + i })).sort((x, y) => x.r - y.r).map(x => x.e)
    for (const [k, d] of order) b.set(k, d)
    const wanted = new Set(entries.map(([k]) => k))
    for (const [k] of noise) if (!wanted.has(k)) b.set(k, undefined)
    assert.equal(b.size, a.size)
    for (const x of [{ start: 0n, end: 0n }, ...arcs]) assert.equal(hex(a.summary(x).hash), hex(b.summary(x).hash))
  }), { numRuns: 200 })
})

test('split arcs combine: the XOR of the sub-arcs is the arc', () => {
  fc.assert(fc.property(pairs, bucketBits, arc, fc.integer({ min: 1, max: 40 }), (entries, bits, a, parts) => {
    const index = build(entries, bits)
    const subs = splitArc(a, parts)
    const acc = new Uint8Array(16)
    let count = 0
    for (const s of subs) {
      const sum = index.summary(s)
      for (let i = 0; i < 16; i++) acc[i] ^= sum.hash[i]
      count += sum.count
    }
    const whole = index.summary(a)
    assert.equal(hex(acc), hex(whole.hash))
    assert.equal(count, whole.count)
  }), { numRuns: 300 })
})

test('splitArc covers the arc exactly, without overlap', () => {
  fc.assert(fc.property(arc, fc.integer({ min: 1, max: 20 }), fc.array(position, { maxLength: 20 }), (a, parts, probes) => {
    const subs = splitArc(a, parts)
    assert.equal(subs[0].start, a.start)
    assert.equal(subs[subs.length - 1].end, a.end)
    for (const p of [...probes, a.end, a.start, a.start + 1n > TOP ? 0n : a.start + 1n]) {
      const hits = subs.filter(s => inRange(p, s) && !(s.start === s.end && subs.length > 1)).length
      assert.equal(hits, inRange(p, a) ? 1 : 0, `position ${p}`)
    }
  }), { numRuns: 300 })
})

test('coalesce keeps exactly the positions of the arcs it merges', () => {
  const ends = fc.uniqueArray(position, { minLength: 2, maxLength: 12 })
  fc.assert(fc.property(ends, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.array(position, { maxLength: 20 }), (points, keep, probes) => {
    const sorted = [...points].sort((x, y) => (x < y ? -1 : 1))
    // the arcs of a ring with these tokens, some of them kept
    const all = sorted.map((end, i) => ({ start: sorted[(i + sorted.length - 1) % sorted.length], end }))
    const kept = all.filter((_, i) => keep[i])
    const merged = coalesce(kept)
    for (const p of [...probes, ...sorted]) {
      const want = kept.some(a => inRange(p, a))
      assert.equal(merged.filter(a => inRange(p, a)).length, want ? 1 : 0)
    }
    assert.ok(merged.length <= kept.length)
  }), { numRuns: 300 })
  assert.deepEqual(intervals({ start: 5n, end: 5n }), [[0n, TOP]])
})

test('a key set then removed leaves every hash as before', () => {
  const index = new MerkleIndex({ bucketBits: 4 })
  index.set('a', new Uint8Array(16).fill(1))
  const before = hex(index.summary({ start: 0n, end: 0n }).hash)
  index.set('b', new Uint8Array(16).fill(2))
  index.set('b', new Uint8Array(16).fill(3))
  assert.notEqual(hex(index.summary({ start: 0n, end: 0n }).hash), before)
  index.set('b', undefined)
  assert.equal(hex(index.summary({ start: 0n, end: 0n }).hash), before)
  assert.equal(index.size, 1)
  assert.equal(index.summary({ start: 0n, end: 0n }).count, 1)
})
