import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { DeferredIndex, SETTLE_SLICE } from '../../src/antientropy/deferred-index.js'
import { MerkleIndex, recordDigest } from '../../src/merkle/index.js'
import type { Arc } from '../../src/merkle/index.js'
import { decodeRecord, encodeRecord } from '../../src/store/record.js'
import type { KvRecord } from '../../src/store/record.js'

const TOP = (1n << 64n) - 1n
const position = fc.bigInt({ min: 0n, max: TOP })
const arc = fc.record({ start: position, end: position })
const key = fc.constantFrom('a', 'b', 'c', 'hot', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', '')

const sibling = fc.record({
  value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null, freq: 4 }),
  timestamp: fc.integer({ min: 0, max: 2 ** 41 }),
  writeId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  supersedes: fc.array(fc.uint8Array({ minLength: 24, maxLength: 24 }), { minLength: 1, maxLength: 2 })
}, { requiredKeys: ['value', 'timestamp'] })
const record: fc.Arbitrary<KvRecord> = fc.record({
  entries: fc.uniqueArray(fc.record({ actor: fc.constantFrom('p1', 'p2', 'p3'), counter: fc.integer({ min: 1, max: 50 }), values: fc.array(sibling, { maxLength: 2 }) }), { selector: e => e.actor, maxLength: 3 })
    .map(es => es.map(e => ({ ...e, counter: Math.max(e.counter, e.values.length) })).sort((x, y) => (x.actor < y.actor ? -1 : 1))),
  anonymous: fc.array(sibling, { maxLength: 2 })
})

type Op =
  | { kind: 'write', key: string, record: KvRecord, inHand: boolean }
  | { kind: 'delete', key: string }
  | { kind: 'summary', arc: Arc }
  | { kind: 'keys', arc: Arc, limit: number }
  | { kind: 'digest', key: string }
  | { kind: 'size' }
  | { kind: 'settle' }

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('write' as const), key, record, inHand: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('summary' as const), arc }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('keys' as const), arc, limit: fc.integer({ min: 1, max: 12 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('digest' as const), key }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('size' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('settle' as const) }), weight: 1 }
)

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'))
const digestOf = (r: KvRecord): Uint8Array => recordDigest(r)
/** what a node's index digests: the stored encoding, decoded (src/antientropy/anti-entropy.ts) */
const digestEncoded = (bytes: Uint8Array): Uint8Array => recordDigest(decodeRecord(bytes, { maxValueBytes: Infinity }))

for (const readBack of [false, true]) {
  test(`a deferred index reads exactly what the eager one does, over any history of writes, deletes and reads (${readBack ? 'keys held, records read back' : 'encodings held'})`, async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(op, { maxLength: 80 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 0, max: 800 }),
      async (ops, bucketBits, maxPendingKeys, maxPendingBytes) => {
        const eager = new MerkleIndex({ bucketBits })
        // the store: written before the index is told, as RecordStore's watchers are
        const store = new Map<string, KvRecord>()
        const readNow = readBack ? (k: string) => store.get(k) : undefined
        const deferred = new DeferredIndex({ bucketBits, digest: digestEncoded, digestRecord: digestOf, maxPendingKeys, maxPendingBytes, readNow })
        await replay(ops, eager, deferred, store, maxPendingKeys)
      }
    ), { numRuns: 400 })
  })
}

async function replay (ops: Op[], eager: MerkleIndex, deferred: DeferredIndex<KvRecord>, store: Map<string, KvRecord>, maxPendingKeys: number): Promise<void> {
  for (const o of ops) {
    switch (o.kind) {
      case 'write':
        eager.set(o.key, digestOf(o.record))
        store.set(o.key, o.record)
        // a write gives the record in hand; the start's scan of the store only its encoding
        deferred.note(o.key, encodeRecord(o.record), o.inHand ? o.record : undefined)
        break
      case 'delete':
        eager.set(o.key, undefined)
        store.delete(o.key)
        deferred.note(o.key, undefined, undefined)
        break
      case 'summary': {
        const a = eager.summary(o.arc)
        const b = deferred.summary(o.arc)
        assert.equal(b.count, a.count)
        assert.equal(hex(b.hash), hex(a.hash))
        break
      }
      case 'keys':
        assert.deepEqual(deferred.keys(o.arc, o.limit).map(k => [k.key, hex(k.digest)]), eager.keys(o.arc, o.limit).map(k => [k.key, hex(k.digest)]))
        break
      case 'digest':
        assert.equal(hex(deferred.digest(o.key)), hex(eager.digest(o.key)))
        break
      case 'size':
        assert.equal(deferred.size, eager.size)
        break
      case 'settle':
        await deferred.settle()
        assert.equal(deferred.pendingKeys, 0)
        assert.equal(deferred.pendingBytes, 0)
        assert.equal(deferred.size, eager.size)
        break
    }
    assert.ok(deferred.pendingKeys <= maxPendingKeys, 'pending keys stay within their bound')
  }
  assert.equal(hex(deferred.summary({ start: 0n, end: 0n }).hash), hex(eager.summary({ start: 0n, end: 0n }).hash))
}

test('keys held for reading back are charged by their key: many more fit in the same bytes, and a key that does not read back is left out', () => {
  const store = new Map<string, KvRecord>()
  let reads = 0
  const readNow = (k: string): KvRecord | undefined => {
    reads++
    if (k === 'broken') throw new Error('does not decode')
    return store.get(k)
  }
  const index = new DeferredIndex<KvRecord>({ digest: digestEncoded, digestRecord: digestOf, maxPendingBytes: 4_000, readNow })
  const r = (n: number): KvRecord => ({ entries: [{ actor: 'p1', counter: n, values: [{ value: new Uint8Array(600), timestamp: n }] }], anonymous: [] })
  for (let i = 0; i < 40; i++) {
    store.set('k' + i, r(i + 1))
    index.note('k' + i, encodeRecord(r(i + 1)), r(i + 1))
  }
  assert.equal(index.pendingKeys, 40, 'forty keys of 600 B records held in 4,000 B')
  assert.ok(index.pendingBytes <= 4_000)
  // rewritten while held: the record read back is the last one stored
  for (let n = 100; n < 110; n++) {
    store.set('k0', r(n))
    index.note('k0', encodeRecord(r(n)), r(n))
  }
  store.set('broken', r(1))
  index.note('broken', encodeRecord(r(1)), r(1))
  assert.equal(reads, 0, 'nothing read back before the index is read')
  assert.equal(index.size, 41)
  assert.equal(hex(index.digest('k0')), hex(digestOf(r(109))))
  assert.equal(reads, 41, 'each held key read back once')
  assert.equal(index.digest('broken'), undefined)
  assert.equal(index.size, 40)
  assert.equal(index.pendingBytes, 0)
})

test('a rewritten key is digested once, when the index is read, not at each write', () => {
  let digests = 0
  const index = new DeferredIndex<KvRecord>({ digest: bytes => { digests++; return digestEncoded(bytes) }, digestRecord: r => { digests++; return digestOf(r) } })
  const r = (n: number): KvRecord => ({ entries: [{ actor: 'p1', counter: n, values: [{ value: Uint8Array.of(n), timestamp: n }] }], anonymous: [] })
  for (let i = 1; i <= 100; i++) index.note('hot', encodeRecord(r(i)), r(i))
  assert.equal(index.size, 1, 'the size is known without digesting')
  assert.equal(digests, 0)
  assert.equal(index.summary({ start: 0n, end: 0n }).count, 1)
  assert.equal(digests, 1)
  assert.equal(hex(index.digest('hot')), hex(digestOf(r(100))))
})

test('past its bound, a key not held is digested at its write, and the keys held stay held', () => {
  const digested: string[] = []
  const index = new DeferredIndex<KvRecord>({ digest: bytes => { digested.push('encoded'); return digestEncoded(bytes) }, digestRecord: r => { digested.push('record'); return digestOf(r) }, maxPendingKeys: 10, maxPendingBytes: 1_000 })
  const r = (bytes: number, n = 1): KvRecord => ({ entries: [{ actor: 'p1', counter: n, values: [{ value: new Uint8Array(bytes), timestamp: n }] }], anonymous: [] })
  for (let i = 0; i < 25; i++) index.note('k' + i, encodeRecord(r(1)), r(1))
  assert.equal(index.pendingKeys, 10)
  assert.deepEqual(digested, Array(15).fill('record'), 'the keys past the bound were digested from the record in hand')
  for (let n = 2; n < 50; n++) index.note('k0', encodeRecord(r(1, n)), r(1, n))
  assert.equal(digested.length, 15, 'a held key is rewritten without a digest')
  assert.equal(index.size, 25)
  index.flush()
  assert.equal(index.pendingKeys, 0)
  assert.equal(digested.length, 25)
  index.note('big1', encodeRecord(r(600)), r(600))
  index.note('big2', encodeRecord(r(600)), r(600))
  assert.equal(index.pendingKeys, 1)
  assert.ok(index.pendingBytes <= 1_000, `pending bytes ${index.pendingBytes} stay within their bound`)
})

test('settle digests what is held a slice at a time, letting other work run between slices; what is noted meanwhile is read as it is', async () => {
  const index = new DeferredIndex<KvRecord>({ digest: digestEncoded, digestRecord: digestOf })
  const eager = new MerkleIndex()
  const r = (n: number): KvRecord => ({ entries: [{ actor: 'p1', counter: n, values: [{ value: Uint8Array.of(n & 255), timestamp: n }] }], anonymous: [] })
  const held = SETTLE_SLICE * 4 + 3
  for (let i = 0; i < held; i++) {
    index.note('k' + i, encodeRecord(r(i + 1)))
    eager.set('k' + i, digestOf(r(i + 1)))
  }
  let turns = 0
  let stop = false
  const tick = (): void => { if (!stop) { turns++; setImmediate(tick) } }
  setImmediate(tick)
  const settled = index.settle()
  // a write and a delete while it runs
  await new Promise(resolve => setImmediate(resolve))
  index.note('k0', encodeRecord(r(1000)), r(1000))
  eager.set('k0', digestOf(r(1000)))
  index.note('k5', undefined)
  eager.set('k5', undefined)
  index.note('new', encodeRecord(r(7)), r(7))
  eager.set('new', digestOf(r(7)))
  await settled
  stop = true
  assert.ok(turns >= 3, `other work ran between slices (${turns} turns)`)
  assert.ok(index.pendingKeys <= SETTLE_SLICE, 'at most a slice noted during the settle is left for the read')
  assert.equal(index.size, eager.size)
  const all = { start: 0n, end: 0n }
  assert.equal(hex(index.summary(all).hash), hex(eager.summary(all).hash))
  assert.equal(index.pendingKeys, 0)
})

test('changes noted while settle runs are digested by it too, a slice a turn, until at most a slice is left; a stream of them cannot keep it going', async () => {
  const r = (n: number): KvRecord => ({ entries: [{ actor: 'p1', counter: n, values: [{ value: Uint8Array.of(n & 255), timestamp: n }] }], anonymous: [] })
  const store = new Map<string, KvRecord>()
  const maxPendingKeys = 2_000
  const index = new DeferredIndex<KvRecord>({ digest: digestEncoded, digestRecord: digestOf, readNow: k => store.get(k), maxPendingKeys, maxPendingBytes: 1 << 30 })
  const eager = new MerkleIndex()
  const write = (key: string, n: number): void => {
    store.set(key, r(n))
    eager.set(key, digestOf(r(n)))
    index.note(key, encodeRecord(r(n)), r(n))
  }
  for (let i = 0; i < 300; i++) write('a' + i, i + 1)
  // a burst of 700 keys in the first turns of the settle: digested by it, not left to the read
  let burst = 0
  const inBurst = (): void => { for (let i = 0; i < 100 && burst < 700; i++, burst++) write('b' + burst, burst + 1); if (burst < 700) setImmediate(inBurst) }
  setImmediate(inBurst)
  await index.settle()
  assert.equal(burst, 700)
  assert.ok(index.pendingKeys <= SETTLE_SLICE, `${index.pendingKeys} keys left for the read`)
  const all = { start: 0n, end: 0n }
  assert.equal(hex(index.summary(all).hash), hex(eager.summary(all).hash))
  // a stream noting more keys each turn than a slice digests: settle still ends
  let stream = true
  let n = 0
  const inStream = (): void => { for (let i = 0; i < 3 * SETTLE_SLICE; i++, n++) write('s' + (n % 50_000), n + 1); if (stream) setImmediate(inStream) }
  setImmediate(inStream)
  await index.settle()
  stream = false
  assert.ok(index.pendingKeys <= maxPendingKeys)
  assert.equal(hex(index.summary(all).hash), hex(eager.summary(all).hash))
  assert.equal(index.size, eager.size)
})

test('the start-up scan\'s records are digested at once from the bytes in hand, and never over a change a write noted meanwhile', () => {
  const r = (n: number): KvRecord => ({ entries: [{ actor: 'p1', counter: n, values: [{ value: Uint8Array.of(n), timestamp: n }] }], anonymous: [] })
  let reads = 0
  const index = new DeferredIndex<KvRecord>({ digest: digestEncoded, digestRecord: digestOf, readNow: () => { reads++; return r(9) } })
  index.indexStored('scanned', encodeRecord(r(1)))
  assert.equal(index.pendingKeys, 0)
  assert.equal(hex(index.digest('scanned')), hex(digestOf(r(1))))
  index.note('written', encodeRecord(r(9)), r(9))
  index.indexStored('written', encodeRecord(r(2)))
  assert.equal(hex(index.digest('written')), hex(digestOf(r(9))))
  assert.equal(reads, 1)
  assert.equal(index.size, 2)
})
