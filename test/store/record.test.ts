/**
 * The record codec: what is stored on disk and sent between replicas. Bytes
 * from disk or a hostile peer decode to a well-formed DVVSet or fail with a
 * ProtocolError, never anything else.
 */
import '../../src/shim.js'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MeshError, ProtocolError } from '../../src/errors.js'
import { MAX_SIBLINGS } from '../../src/constants.js'
import { decodeOwnRecord, decodeRecord, distinctWrites, encodeRecord, isEncodingOf, siblingCount, supersedeOtherMints, WRITE_ID_BYTES } from '../../src/store/record.js'
import { Record as PbRecord } from '../../src/store/pb/record.js'
import { newSet, newWithContext, updateWith, sync, empty, values, encodeContext, join } from '../../src/version/index.js'
import { siblingEquals } from '../../src/store/record.js'
import type { KvRecord, RecordLimits, Sibling } from '../../src/store/record.js'

const LIMITS: RecordLimits = { maxValueBytes: 64 }
const MAX_DECODED_SIBLINGS = MAX_SIBLINGS * 16

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const live = (s: string, timestamp = 1_700_000_000_000): Sibling => ({ value: bytes(s), timestamp })
const tomb = (timestamp = 1_700_000_000_001): Sibling => ({ value: null, timestamp })

function roundTrip (r: KvRecord): KvRecord {
  return decodeRecord(encodeRecord(r), LIMITS)
}

function rejectsAsProtocolError (bytes: Uint8Array, pattern?: RegExp): void {
  assert.throws(() => decodeRecord(bytes, LIMITS), (err: unknown) => {
    assert.ok(err instanceof ProtocolError, `expected a ProtocolError, got ${String(err)}`)
    assert.equal(err.code, 'ERR_PROTOCOL')
    assert.equal(err.name, 'ProtocolError')
    if (pattern !== undefined) assert.match(err.message, pattern)
    return true
  })
}

describe('encodeRecord / decodeRecord round trip', () => {
  test('an empty record', () => {
    assert.deepEqual(roundTrip(empty()), { entries: [], anonymous: [] })
  })

  test('values under several actors, newest first', () => {
    const r: KvRecord = {
      entries: [
        { actor: 'peer-a', counter: 3, values: [live('a3'), live('a2')] },
        { actor: 'peer-b', counter: 1, values: [] },
        { actor: 'peer-c', counter: 7, values: [live('c7', 5)] }
      ],
      anonymous: []
    }
    assert.deepEqual(roundTrip(r), r)
  })

  test('a tombstone keeps its version and its timestamp', () => {
    const r: KvRecord = { entries: [{ actor: 'peer-a', counter: 4, values: [tomb(42)] }], anonymous: [] }
    const back = roundTrip(r)
    assert.deepEqual(back, r)
    assert.equal(back.entries[0].values[0].value, null)
    assert.equal(back.entries[0].counter, 4)
  })

  test('tombstones and values side by side (concurrent delete and write)', () => {
    const r: KvRecord = {
      entries: [
        { actor: 'peer-a', counter: 2, values: [tomb()] },
        { actor: 'peer-b', counter: 5, values: [live('b5')] }
      ],
      anonymous: []
    }
    assert.deepEqual(roundTrip(r), r)
  })

  test('anonymous values (not yet given a dot), live and deleted', () => {
    const r: KvRecord = { entries: [], anonymous: [live('x'), tomb()] }
    assert.deepEqual(roundTrip(r), r)
  })

  test('an empty value is a value, not a tombstone', () => {
    const r: KvRecord = { entries: [{ actor: 'a', counter: 1, values: [live('')] }], anonymous: [] }
    const back = roundTrip(r)
    assert.ok(back.entries[0].values[0].value instanceof Uint8Array)
    assert.equal(back.entries[0].values[0].value?.byteLength, 0)
  })

  test('a value exactly at maxValueBytes is accepted', () => {
    const r: KvRecord = { entries: [{ actor: 'a', counter: 1, values: [{ value: new Uint8Array(LIMITS.maxValueBytes).fill(7), timestamp: 1 }] }], anonymous: [] }
    assert.deepEqual(roundTrip(r), r)
  })

  test('records built by the DVVSet operations survive the codec', () => {
    const a = updateWith(newSet(live('first')), empty<Sibling>(), 'peer-a')
    const b = updateWith(newSet(live('concurrent')), empty<Sibling>(), 'peer-b')
    const merged = sync(a, b, siblingEquals)
    const deleted = updateWith(newWithContext([['peer-a', 1], ['peer-b', 1]], tomb()), merged, 'peer-a')
    for (const r of [a, b, merged, deleted]) assert.deepEqual(roundTrip(r), r)
    assert.equal(siblingCount(roundTrip(merged)), 2)
    assert.deepEqual(roundTrip(deleted).entries.flatMap(e => e.values).map(s => s.value), [null])
  })

  test('counters up to Number.MAX_SAFE_INTEGER', () => {
    const r: KvRecord = { entries: [{ actor: 'a', counter: Number.MAX_SAFE_INTEGER, values: [live('v')] }], anonymous: [] }
    assert.deepEqual(roundTrip(r), r)
  })
})

describe('decodeRecord rejects malformed records with ProtocolError', () => {
  test('garbage bytes', () => {
    // field 15 with wire type 7: no such wire type
    rejectsAsProtocolError(Uint8Array.of(0x7f, 1, 2, 3), /undecodable/)
    // a length-delimited field longer than the buffer
    rejectsAsProtocolError(Uint8Array.of(0x0a, 0xff, 0xff, 0x03, 1, 2))
    // a truncated varint
    rejectsAsProtocolError(Uint8Array.of(0x0a, 0x04, 0x10, 0xff))
  })

  test('actors out of order', () => {
    rejectsAsProtocolError(encodeRecord({
      entries: [{ actor: 'peer-b', counter: 1, values: [] }, { actor: 'peer-a', counter: 1, values: [] }],
      anonymous: []
    }), /sorted/)
  })

  test('the same actor twice', () => {
    rejectsAsProtocolError(encodeRecord({
      entries: [{ actor: 'peer-a', counter: 1, values: [] }, { actor: 'peer-a', counter: 2, values: [] }],
      anonymous: []
    }), /unique/)
  })

  test('an empty actor, and an actor over 256 characters', () => {
    rejectsAsProtocolError(encodeRecord({ entries: [{ actor: '', counter: 1, values: [] }], anonymous: [] }), /actor/)
    rejectsAsProtocolError(encodeRecord({ entries: [{ actor: 'a'.repeat(257), counter: 1, values: [] }], anonymous: [] }), /actor/)
  })

  test('more values than the counter has events', () => {
    rejectsAsProtocolError(encodeRecord({
      entries: [{ actor: 'peer-a', counter: 1, values: [live('x'), live('y')] }],
      anonymous: []
    }), /more values than events/)
    rejectsAsProtocolError(encodeRecord({
      entries: [{ actor: 'peer-a', counter: 0, values: [live('x')] }],
      anonymous: []
    }), /more values than events/)
  })

  test('a counter beyond Number.MAX_SAFE_INTEGER', () => {
    const pb = PbRecord.encode({ entries: [{ actor: 'a', counter: BigInt(Number.MAX_SAFE_INTEGER) + 1n, values: [] }], anonymous: [] })
    rejectsAsProtocolError(pb, /counter/)
  })

  test('a value over maxValueBytes, under an actor or anonymous', () => {
    const big = { value: new Uint8Array(LIMITS.maxValueBytes + 1), timestamp: 1 }
    rejectsAsProtocolError(encodeRecord({ entries: [{ actor: 'a', counter: 1, values: [big] }], anonymous: [] }), /over the limit/)
    rejectsAsProtocolError(encodeRecord({ entries: [], anonymous: [big] }), /over the limit/)
  })

  test('a tombstone that carries data', () => {
    const pb = PbRecord.encode({
      entries: [{ actor: 'a', counter: 1n, values: [{ data: Uint8Array.from([1, 2, 3]), tombstone: true, timestamp: 1, writeId: new Uint8Array(0), supersedes: [] }] }],
      anonymous: []
    })
    rejectsAsProtocolError(pb, /tombstone/)
    const anon = PbRecord.encode({ entries: [], anonymous: [{ data: Uint8Array.from([1]), tombstone: true, timestamp: 1, writeId: new Uint8Array(0), supersedes: [] }] })
    rejectsAsProtocolError(anon, /tombstone/)
  })

  test('a write id of the wrong length', () => {
    const pb = PbRecord.encode({ entries: [], anonymous: [{ data: Uint8Array.from([1]), tombstone: false, timestamp: 1, writeId: new Uint8Array(5), supersedes: [] }] })
    rejectsAsProtocolError(pb, /write id of 5 bytes/)
  })

  test('a write id survives the round trip, and siblings of one write are shown once', () => {
    const writeId = Uint8Array.from({ length: WRITE_ID_BYTES }, (_, i) => i)
    const a = { value: Uint8Array.from([7]), timestamp: 1, writeId }
    const back = decodeRecord(encodeRecord({ entries: [{ actor: 'x', counter: 1, values: [a] }], anonymous: [] }), { maxValueBytes: 10 })
    assert.deepEqual(back.entries[0].values[0].writeId, writeId)
    const retried = { ...a, timestamp: 2 }
    const other = { value: Uint8Array.from([7]), timestamp: 1 }
    assert.equal(distinctWrites([a, retried, other]).length, 2)
    // one id with another value is not the same write: shown, not folded away
    assert.equal(distinctWrites([a, { ...a, value: Uint8Array.from([8]) }]).length, 2)
    assert.equal(distinctWrites([{ ...a, value: null }, { ...retried, value: null }]).length, 1)
    assert.equal(siblingEquals(a, retried), false, 'two mints of one write are two siblings in the record')
    assert.equal(siblingEquals(a, { ...a }), true)
  })

  test('a timestamp that is not a finite number', () => {
    for (const timestamp of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const pb = PbRecord.encode({ entries: [], anonymous: [{ data: Uint8Array.from([1]), tombstone: false, timestamp, writeId: new Uint8Array(0), supersedes: [] }] })
      rejectsAsProtocolError(pb, /timestamp/)
    }
  })

  test('too many siblings: anonymous, under one actor, and summed over actors', () => {
    const many = (n: number): Sibling[] => Array.from({ length: n }, () => tomb())
    rejectsAsProtocolError(encodeRecord({ entries: [], anonymous: many(MAX_DECODED_SIBLINGS + 1) }))
    rejectsAsProtocolError(encodeRecord({
      entries: [{ actor: 'a', counter: MAX_DECODED_SIBLINGS + 1, values: many(MAX_DECODED_SIBLINGS + 1) }],
      anonymous: []
    }))
    const half = MAX_DECODED_SIBLINGS / 2 + 1
    rejectsAsProtocolError(encodeRecord({
      entries: [
        { actor: 'a', counter: half, values: many(half) },
        { actor: 'b', counter: half, values: many(half) }
      ],
      anonymous: []
    }), /siblings/)
    // exactly at the bound is fine
    const ok = decodeRecord(encodeRecord({
      entries: [
        { actor: 'a', counter: MAX_DECODED_SIBLINGS / 4, values: many(MAX_DECODED_SIBLINGS / 4) },
        { actor: 'b', counter: MAX_DECODED_SIBLINGS / 4, values: many(MAX_DECODED_SIBLINGS / 4) }
      ],
      anonymous: many(MAX_DECODED_SIBLINGS / 2)
    }), LIMITS)
    assert.equal(siblingCount(ok), MAX_DECODED_SIBLINGS)
  })
})

describe('decodeRecord properties', () => {
  const decodesOrMeshError = (bytes: Uint8Array): void => {
    try {
      const r = decodeRecord(bytes, LIMITS)
      // anything that decodes is well formed
      for (let i = 1; i < r.entries.length; i++) assert.ok(r.entries[i - 1].actor < r.entries[i].actor)
      for (const e of r.entries) {
        assert.ok(Number.isSafeInteger(e.counter) && e.counter >= e.values.length)
        for (const s of e.values) assert.ok(s.value === null || s.value.byteLength <= LIMITS.maxValueBytes)
      }
      assert.ok(siblingCount(r) <= MAX_DECODED_SIBLINGS)
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err
      assert.ok(err instanceof MeshError, `threw a non-MeshError: ${String(err)}`)
      assert.equal(err.code, 'ERR_PROTOCOL')
    }
  }

  test('arbitrary bytes decode or fail with a MeshError, never anything else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), decodesOrMeshError), { numRuns: 2000 })
  })

  const siblingArb: fc.Arbitrary<Sibling> = fc.record({
    value: fc.option(fc.uint8Array({ maxLength: LIMITS.maxValueBytes }), { nil: null }),
    timestamp: fc.integer({ min: 0, max: 2 ** 45 })
  }).map(x => ({ value: x.value, timestamp: x.timestamp }))
  const recordArb: fc.Arbitrary<KvRecord> = fc.record({
    entries: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 5 }).chain(actors =>
      fc.tuple(...[...actors].sort().map(actor =>
        fc.array(siblingArb, { maxLength: 3 }).chain(values =>
          fc.integer({ min: values.length, max: 1_000_000 }).map(counter => ({ actor, counter, values })))))),
    anonymous: fc.array(siblingArb, { maxLength: 3 })
  }).map(r => ({ entries: r.entries.map(e => ({ ...e })), anonymous: r.anonymous }))

  test('well-formed records round-trip', () => {
    fc.assert(fc.property(recordArb, r => {
      assert.deepEqual(roundTrip(r), r)
    }), { numRuns: 500 })
  })

  test('corrupted encodings of well-formed records decode or fail with a MeshError', () => {
    fc.assert(fc.property(recordArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(), (r, flips, cut) => {
      const enc = encodeRecord(r).slice()
      if (enc.byteLength === 0) return
      for (const [at, b] of flips) enc[at % enc.byteLength] = b
      decodesOrMeshError(enc)
      decodesOrMeshError(enc.subarray(0, cut % (enc.byteLength + 1)))
    }), { numRuns: 1000 })
  })
})

describe('supersedeOtherMints: a write that replaces one mint of a write replaces its other mints', () => {
  const id = (n: number): Uint8Array => Uint8Array.from({ length: WRITE_ID_BYTES }, () => n)
  const v = (text: string, writeId: Uint8Array, timestamp = 1): Sibling => ({ value: new TextEncoder().encode(text), timestamp, writeId })
  const apply = (current: KvRecord, context: Array<[string, number]>, sibling: Sibling, actor: string): KvRecord =>
    supersedeOtherMints(current, updateWith(newWithContext(context, sibling), current, actor, siblingEquals))
  const shown = (r: KvRecord): string[] => values(r).map(s => s.value === null ? 'tomb' : new TextDecoder().decode(s.value)).sort()

  test('a hedge minted at x and y; a write with the context of y\'s reply replaces both', () => {
    const current: KvRecord = { entries: [{ actor: 'x', counter: 1, values: [v('v1', id(1), 2)] }, { actor: 'y', counter: 1, values: [v('v1', id(1), 1)] }], anonymous: [] }
    const next = apply(current, [['y', 1]], { value: null, timestamp: 3, writeId: id(2) }, 'y')
    assert.deepEqual(shown(next), ['tomb'])
    assert.equal(next.entries.find(e => e.actor === 'x')?.counter, 1, 'the dot stays known, as superseded')
    // and a replica that still holds x's mint drops it on sync
    assert.deepEqual(shown(sync(current, next, siblingEquals)), ['tomb'])
    assert.deepEqual(shown(sync(next, current, siblingEquals)), ['tomb'])
  })

  test('one id with another value is another write: kept', () => {
    const current: KvRecord = { entries: [{ actor: 'x', counter: 1, values: [v('other', id(1))] }, { actor: 'y', counter: 1, values: [v('v1', id(1))] }], anonymous: [] }
    assert.deepEqual(shown(apply(current, [['y', 1]], v('v2', id(2)), 'y')), ['other', 'v2'])
  })

  test('a mint that is not its actor\'s oldest live value cannot be dropped alone: kept, never a corrupt set', () => {
    // x:2 is the duplicate, x:1 an unrelated live write the context does not cover
    const current: KvRecord = { entries: [{ actor: 'x', counter: 2, values: [v('v1', id(1), 2), v('x1', id(3))] }, { actor: 'y', counter: 1, values: [v('v1', id(1))] }], anonymous: [] }
    const next = apply(current, [['y', 1]], v('v2', id(2)), 'y')
    assert.deepEqual(shown(next), ['v1', 'v2', 'x1'])
    for (const e of next.entries) assert.ok(e.values.length <= e.counter)
  })

  test('a write that supersedes nothing changes nothing', () => {
    const current: KvRecord = { entries: [{ actor: 'x', counter: 1, values: [v('v1', id(1))] }], anonymous: [] }
    const next = updateWith(newSet(v('v2', id(2))), current, 'y', siblingEquals)
    assert.equal(supersedeOtherMints(current, next), next)
    assert.equal(supersedeOtherMints(undefined, next), next)
  })
})

describe('what a record from a peer yields to a client', () => {
  test('every record decodeRecord accepts has a context that encodes (a peer cannot make a key unreadable)', () => {
    const actor = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 }).filter(a => a.length <= 256)
    fc.assert(fc.property(fc.uniqueArray(actor, { minLength: 1, maxLength: 4 }), actors => {
      const sorted = [...actors].sort((a, b) => a < b ? -1 : a > b ? 1 : 0)
      const bytes = PbRecord.encode({ entries: sorted.map(a => ({ actor: a, counter: 1n, values: [] })), anonymous: [] })
      let record: KvRecord
      try {
        record = decodeRecord(bytes, LIMITS)
      } catch (err) {
        assert.ok(err instanceof ProtocolError)
        return
      }
      encodeContext(join(record), 'k')
    }), { numRuns: 300, examples: [[['中'.repeat(100)]]] })
  })
})

describe('record encodings kept with the record', () => {
  const limits: RecordLimits = { maxValueBytes: 1024 }
  const record = (): KvRecord => newSet<Sibling>({ value: new Uint8Array([1, 2, 3]), timestamp: 5 })

  test('a record is encoded once: the same bytes every time', () => {
    const r = record()
    const first = encodeRecord(r)
    assert.equal(encodeRecord(r), first)
    assert.ok(isEncodingOf(first, r))
    assert.ok(isEncodingOf(first.slice(), r), 'equal bytes elsewhere are its encoding too')
    assert.ok(!isEncodingOf(encodeRecord(record()).slice(0, -1), r))
  })

  test('decodeOwnRecord keeps the stored bytes as the encoding; decodeRecord (a peer\'s bytes) re-encodes, dropping fields this version skips', () => {
    const canonical = encodeRecord(record())
    // an unknown field (number 15, bytes) after the record: valid protobuf, skipped by the decoder
    const padded = new Uint8Array([...canonical, (15 << 3) | 2, 3, 9, 9, 9])
    const own = decodeOwnRecord(padded, limits)
    assert.equal(encodeRecord(own), padded, 'bytes from this peer\'s store are sent as they are')
    const fromPeer = decodeRecord(padded, limits)
    assert.deepEqual(encodeRecord(fromPeer), canonical, 'a peer\'s padding is not kept')
  })
})

describe('an actor is bounded by its UTF-8 bytes', () => {
  test('accepted exactly when its UTF-8 is at most 256 bytes, whatever its characters (short ones are not encoded to know)', () => {
    const unit = fc.constantFrom('a', 'é', '中', '😀', '\uD800')
    const actor = fc.array(unit, { minLength: 1, maxLength: 140 }).map(us => us.join('')).filter(a => a.length <= 256)
    fc.assert(fc.property(actor, a => {
      const bytes = PbRecord.encode({ entries: [{ actor: a, counter: 1n, values: [] }], anonymous: [] })
      const fits = new TextEncoder().encode(a).byteLength <= 256
      let accepted = true
      try { decodeRecord(bytes, LIMITS) } catch (err) { assert.ok(err instanceof ProtocolError); accepted = false }
      // what the decoder reads back is the actor's UTF-8 (a lone surrogate comes back replaced)
      const back = PbRecord.decode(bytes).entries[0].actor
      assert.equal(accepted, new TextEncoder().encode(back).byteLength <= 256, `${a.length} units, ${fits ? 'fits' : 'over'}`)
    }), { numRuns: 500, examples: [['中'.repeat(85)], ['中'.repeat(86)], ['a'.repeat(256)], ['a'.repeat(257)]] })
  })
})
