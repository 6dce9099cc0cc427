/**
 * src/store/record-decoder.ts against the decoder it replaced (protons'
 * generated one, then the record's checks, kept here as the reference): for
 * any bytes (encodings of valid and invalid messages, mutated, cut short,
 * random) both accept with the same record or both refuse with a
 * ProtocolError.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Record as PbRecord } from '../../src/store/pb/record.js'
import type { Sibling as PbSibling } from '../../src/store/pb/record.js'
import { decodeRecord, encodeRecord, WRITE_ID_BYTES } from '../../src/store/record.js'
import type { KvRecord, RecordLimits, Sibling } from '../../src/store/record.js'
import { MAX_ACTORS, MAX_DECODED_SIBLINGS, MAX_VALUES_PER_ACTOR } from '../../src/store/record-decoder.js'
import { MAX_SUPERSEDES, WRITE_REF_BYTES } from '../../src/store/superseded.js'
import { MAX_ACTOR_BYTES } from '../../src/version/index.js'
import { ProtocolError } from '../../src/errors.js'
import { Uint8ArrayList } from 'uint8arraylist'

const utf8 = new TextEncoder()
const MAX_COUNTER = BigInt(Number.MAX_SAFE_INTEGER)

/** the decoder before record-decoder.ts, as it was */
function referenceDecode (bytes: Uint8Array, limits: RecordLimits): KvRecord {
  let pb: PbRecord
  try {
    pb = PbRecord.decode(bytes, {
      limits: {
        entries: MAX_ACTORS,
        anonymous: MAX_DECODED_SIBLINGS,
        entries$: { values: MAX_VALUES_PER_ACTOR, values$: { supersedes: MAX_SUPERSEDES } },
        anonymous$: { supersedes: MAX_SUPERSEDES }
      }
    })
  } catch (err) {
    const message = (err as Error).message
    if (/too many elements/.test(message)) throw new ProtocolError(`record: too many siblings or actors (${message})`)
    throw new ProtocolError(`record: undecodable (${message})`)
  }
  const fromPb = (s: PbSibling): Sibling => {
    if (s.tombstone && s.data.byteLength > 0) throw new ProtocolError('record: tombstone carries data')
    if (s.data.byteLength > limits.maxValueBytes) throw new ProtocolError('record: value over the limit')
    if (!Number.isFinite(s.timestamp)) throw new ProtocolError('record: bad timestamp')
    if (s.writeId.byteLength !== 0 && s.writeId.byteLength !== WRITE_ID_BYTES) throw new ProtocolError('record: write id length')
    const sibling: Sibling = { value: s.tombstone ? null : s.data, timestamp: s.timestamp }
    if (s.writeId.byteLength > 0) sibling.writeId = s.writeId
    if (s.supersedes.some(r => r.byteLength !== WRITE_REF_BYTES)) throw new ProtocolError('record: reference length')
    if (s.supersedes.length > 0) sibling.supersedes = s.supersedes
    return sibling
  }
  let prev: string | undefined
  let siblings = pb.anonymous.length
  const entries = pb.entries.map(e => {
    if (e.actor.length === 0 || e.actor.length > MAX_ACTOR_BYTES || (e.actor.length * 3 > MAX_ACTOR_BYTES && utf8.encode(e.actor).byteLength > MAX_ACTOR_BYTES)) throw new ProtocolError('record: bad actor')
    if (prev !== undefined && e.actor <= prev) throw new ProtocolError('record: actors not sorted and unique')
    prev = e.actor
    if (e.counter > MAX_COUNTER) throw new ProtocolError('record: counter out of range')
    const counter = Number(e.counter)
    if (e.values.length > counter) throw new ProtocolError('record: more values than events')
    siblings += e.values.length
    return { actor: e.actor, counter, values: e.values.map(fromPb) }
  })
  if (siblings > MAX_DECODED_SIBLINGS) throw new ProtocolError('record: too many siblings')
  return { entries, anonymous: pb.anonymous.map(fromPb) }
}

/** plain data, whatever kind of array each value is a view of */
function plain (r: KvRecord): unknown {
  const sib = (s: Sibling): unknown => ({ value: s.value === null ? null : [...s.value], timestamp: s.timestamp, writeId: s.writeId === undefined ? undefined : [...s.writeId], supersedes: s.supersedes?.map(x => [...x]) })
  return { entries: r.entries.map(e => ({ actor: e.actor, counter: e.counter, values: e.values.map(sib) })), anonymous: r.anonymous.map(sib) }
}

type Outcome = { record: unknown } | { refused: true }

function outcome (decode: () => KvRecord): Outcome {
  try {
    return { record: plain(decode()) }
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `not a ProtocolError: ${String(err)}`)
    return { refused: true }
  }
}

function same (bytes: Uint8Array, limits: RecordLimits): void {
  const expected = outcome(() => referenceDecode(bytes, limits))
  assert.deepEqual(outcome(() => decodeRecord(bytes, limits)), expected)
  // what a socket delivers: a Buffer view at an offset
  const inBuffer = Buffer.concat([Buffer.from([7, 7, 7]), bytes]).subarray(3)
  assert.deepEqual(outcome(() => decodeRecord(inBuffer, limits)), expected)
}

// messages valid and not: actors in and out of order, counters below their
// values and past 2^53, odd write id and reference lengths, non-finite times
const bytesOf = (lengths: number[]): fc.Arbitrary<Uint8Array<ArrayBuffer>> => fc.constantFrom(...lengths).chain(n => fc.uint8Array({ minLength: n, maxLength: n })) as fc.Arbitrary<Uint8Array<ArrayBuffer>>
const pbSibling: fc.Arbitrary<PbSibling> = fc.record({
  data: fc.oneof(bytesOf([0, 1, 2, 11, 40])),
  tombstone: fc.boolean(),
  timestamp: fc.oneof(fc.double(), fc.constant(0), fc.integer({ min: 0, max: 2 ** 42 })),
  writeId: bytesOf([0, 0, WRITE_ID_BYTES, WRITE_ID_BYTES, 3]),
  supersedes: fc.array(bytesOf([WRITE_REF_BYTES, WRITE_REF_BYTES, 5]), { maxLength: 3 })
}).map(s => ({ ...s, data: s.tombstone && s.data.length > 0 && s.timestamp > 1 ? new Uint8Array(0) : s.data }))
const actor = fc.oneof(fc.constantFrom('12D3KooWa.e1', '12D3KooWb.e2', 'a', 'b', 'c', ''), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }))
const counter = fc.oneof(fc.bigInt({ min: 0n, max: 4n }), fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(127n, 128n, 2n ** 28n - 1n, 2n ** 28n, MAX_COUNTER, MAX_COUNTER + 1n))
// sorted most of the time, as valid records are
const pbRecord = fc.record({
  entries: fc.array(fc.record({ actor, counter, values: fc.array(pbSibling, { maxLength: 3 }) }), { maxLength: 4 }),
  anonymous: fc.array(pbSibling, { maxLength: 2 }),
  sorted: fc.boolean()
}).map(({ entries, anonymous, sorted }) => ({ anonymous, entries: sorted ? [...entries].sort((x, y) => x.actor < y.actor ? -1 : x.actor > y.actor ? 1 : 0) : entries }))
const limits = fc.constantFrom<RecordLimits>({ maxValueBytes: 1 << 20 }, { maxValueBytes: 10 })

test('the same records from encodings of messages valid and not', () => {
  fc.assert(fc.property(pbRecord, limits, (r, l) => { same(PbRecord.encode(r), l) }), { numRuns: 3000 })
})

test('the same outcome for encodings mutated, cut short and extended', () => {
  const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'insert', 'delete', 'cut', 'append'), byte: fc.integer({ min: 0, max: 255 }) })
  fc.assert(fc.property(pbRecord, fc.array(edit, { minLength: 1, maxLength: 3 }), limits, (r, edits, l) => {
    let bytes = [...PbRecord.encode(r)]
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % bytes.length
      if (e.kind === 'flip') bytes[at] = e.byte
      else if (e.kind === 'insert') bytes.splice(at, 0, e.byte)
      else if (e.kind === 'delete') bytes.splice(at, 1)
      else if (e.kind === 'cut') bytes = bytes.slice(0, at)
      else bytes.push(e.byte)
    }
    same(Uint8Array.from(bytes), l)
  }), { numRuns: 5000 })
})

test('the same outcome for random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), limits, (bytes, l) => { same(bytes, l) }), { numRuns: 5000 })
})

test('the limits on actors, values, siblings and references refuse where they did', () => {
  const sibling = { data: new Uint8Array(1), tombstone: false, timestamp: 1, writeId: new Uint8Array(0), supersedes: [] }
  const actors = (n: number): PbRecord => ({ entries: Array.from({ length: n }, (_, i) => ({ actor: `a${String(i).padStart(5, '0')}`, counter: 1n, values: [] })), anonymous: [] })
  for (const n of [MAX_ACTORS, MAX_ACTORS + 1]) same(PbRecord.encode(actors(n)), { maxValueBytes: 10 })
  for (const n of [MAX_VALUES_PER_ACTOR, MAX_VALUES_PER_ACTOR + 1]) same(PbRecord.encode({ entries: [{ actor: 'a', counter: 10_000n, values: Array.from({ length: n }, () => sibling) }], anonymous: [] }), { maxValueBytes: 10 })
  for (const n of [MAX_DECODED_SIBLINGS, MAX_DECODED_SIBLINGS + 1]) same(PbRecord.encode({ entries: [], anonymous: Array.from({ length: n }, () => sibling) }), { maxValueBytes: 10 })
  // siblings over the bound counted over the entries and the anonymous ones together
  const half = Math.ceil(MAX_DECODED_SIBLINGS / 2) + 1
  same(PbRecord.encode({ entries: Array.from({ length: Math.ceil(half / MAX_VALUES_PER_ACTOR) }, (_, i) => ({ actor: `a${i}`, counter: 10_000n, values: Array.from({ length: Math.min(MAX_VALUES_PER_ACTOR, half) }, () => sibling) })), anonymous: Array.from({ length: half }, () => sibling) }), { maxValueBytes: 10 })
  for (const n of [MAX_SUPERSEDES, MAX_SUPERSEDES + 1]) same(PbRecord.encode({ entries: [], anonymous: [{ ...sibling, supersedes: Array.from({ length: n }, () => new Uint8Array(WRITE_REF_BYTES)) }] }), { maxValueBytes: 10 })
})

test('a record this peer encodes decodes to itself, values as plain arrays', () => {
  const record: KvRecord = { entries: [{ actor: '12D3KooWx.e1', counter: 300, values: [{ value: Uint8Array.of(1, 2, 3), timestamp: 5, writeId: new Uint8Array(WRITE_ID_BYTES).fill(9), supersedes: [new Uint8Array(WRITE_REF_BYTES).fill(4)] }] }], anonymous: [{ value: null, timestamp: 6 }] }
  const decoded = decodeRecord(Buffer.from(encodeRecord(record)), { maxValueBytes: 10 })
  assert.deepEqual(plain(decoded), plain(record))
  assert.equal(Object.getPrototypeOf(decoded.entries[0].values[0].value), Uint8Array.prototype)
})

test('what is not bytes is refused, never read as an empty record', () => {
  const encoded = encodeRecord({ entries: [{ actor: 'a', counter: 1, values: [{ value: Uint8Array.of(1), timestamp: 1 }] }], anonymous: [] })
  for (const x of [[...encoded], 'abc', {}, undefined, null, new Uint8ArrayList(encoded.subarray(0, 3), encoded.subarray(3)), new Uint16Array(4)]) {
    assert.throws(() => decodeRecord(x as unknown as Uint8Array, { maxValueBytes: 10 }), ProtocolError)
  }
})

// raw protobuf from a grammar: any field number and wire type (groups and
// the invalid 6 and 7 included), nested messages whose lengths run past
// their parent, non-minimal, unterminated and 10-byte varints, cut anywhere
const varintOf = (n: bigint | number): number[] => {
  const out: number[] = []
  let v = BigInt(n)
  do {
    let b = Number(v & 127n)
    v >>= 7n
    if (v > 0n) b |= 128
    out.push(b)
  } while (v > 0n)
  return out
}
const anyVarint = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(varintOf),
  fc.integer({ min: 0, max: 300 }).map(varintOf),
  fc.constantFrom(2 ** 28 - 1, 2 ** 28, 2 ** 21 - 1, 2 ** 21, 127, 128, 2 ** 35, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1).map(varintOf),
  fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 9 })).map(([n, pad]) => {
    const b = varintOf(n)
    b[b.length - 1] |= 128
    for (let i = 1; i < pad; i++) b.push(128)
    b.push(0)
    return b
  }),
  fc.array(fc.integer({ min: 128, max: 255 }), { minLength: 1, maxLength: 11 })
)
const fieldNumber = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 29 - 1 }) })
const wireType = fc.oneof(fc.constantFrom(0, 2, 2, 2, 1, 5), fc.integer({ min: 0, max: 7 }))
const rawBytes = fc.oneof(fc.uint8Array({ maxLength: 24 }).map(a => [...a]), fc.string({ maxLength: 6 }).map(s => [...new TextEncoder().encode(s)]))
const grammar = fc.letrec<{ msg: number[], field: number[], payload: number[] }>(tie => ({
  msg: fc.array(tie('field'), { maxLength: 5 }).map(fields => fields.flat()),
  field: fc.tuple(fieldNumber, wireType, tie('payload'), anyVarint, rawBytes, fc.integer({ min: -2, max: 2 }), fc.boolean()).map(([f, w, sub, v, raw, delta, nested]) => {
    const tag = varintOf((f * 8 + w) >>> 0)
    const padded = (n: number): number[] => [...raw.slice(0, n), ...new Array<number>(Math.max(0, n - raw.length)).fill(0)]
    if (w === 0) return [...tag, ...v]
    if (w === 1) return [...tag, ...padded(8)]
    if (w === 5) return [...tag, ...padded(4)]
    if (w === 2) {
      const body = nested ? sub : raw
      return [...tag, ...varintOf(Math.max(0, body.length + (Math.abs(delta) === 1 ? delta : 0))), ...body]
    }
    if (w === 3) return [...tag, ...sub, ...varintOf(f * 8 + 4)]
    return [...tag, ...raw.slice(0, 3)]
  }),
  payload: fc.oneof({ depthSize: 'small' }, fc.constant<number[]>([]), tie('msg'))
}))

test('the same outcome for protobuf of any shape', () => {
  const input = fc.tuple(grammar.msg, fc.nat(), fc.boolean()).map(([b, cut, doCut]) => Uint8Array.from(doCut && b.length > 0 ? b.slice(0, cut % b.length) : b))
  fc.assert(fc.property(input, limits, (bytes, l) => { same(bytes, l) }), { numRuns: 5000 })
  // deep nesting of groups: refused or skipped alike, never a crash
  for (const depth of [100, 1000, 20000]) same(Uint8Array.from([...new Array<number>(depth).fill(0x03), ...new Array<number>(depth).fill(0x04)]), { maxValueBytes: 10 })
})
