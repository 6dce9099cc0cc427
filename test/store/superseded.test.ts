/**
 * Replaced writes remembered by the siblings that replaced them: a late
 * second mint of a replaced write is hidden and recognised, with bounds on
 * what a record carries and what a peer may send.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MAX_SUPERSEDES, replacedWrite, supersededBy, unreplaced, writeRef } from '../../src/store/superseded.js'
import { decodeRecord, encodeRecord, WRITE_ID_BYTES } from '../../src/store/record.js'
import { ProtocolError } from '../../src/errors.js'
import { empty, join, newSet, newWithContext, sync, update, updateWith } from '../../src/version/index.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const id = (n: number): Uint8Array => Uint8Array.from({ length: WRITE_ID_BYTES }, () => n)
const sib = (v: string, n: number, extra: Partial<Sibling> = {}): Sibling => ({ value: new TextEncoder().encode(v), timestamp: 1, writeId: id(n), ...extra })
const text = (s: Sibling): string => s.value === null ? 'deleted' : new TextDecoder().decode(s.value)

test('a delete that replaced a write hides a late second mint of it, and says it knows the write', () => {
  const v1 = sib('v1', 1)
  const atB = update(newSet(v1), 'b')
  // the delete, with the context of the put, on replica b
  const tomb: Sibling = { value: null, timestamp: 2, writeId: id(2) }
  const first = updateWith(newWithContext(join(atB), tomb), atB, 'b')
  const supersedes = supersededBy(atB, first)
  assert.equal(supersedes.length, 1)
  const deleted = updateWith(newWithContext(join(atB), { ...tomb, supersedes }), atB, 'b')
  // replica a minted v1 late, under its own dot; the records meet
  const lateMint = update(newSet({ ...v1, timestamp: 5 }), 'a')
  const merged: KvRecord = sync(deleted, lateMint)
  assert.deepEqual(merged.entries.flatMap(e => e.values).map(text).sort(), ['deleted', 'v1'], 'both dots are in the record')
  assert.deepEqual(unreplaced(merged).map(text), ['deleted'], 'the late mint is hidden')
  assert.equal(replacedWrite(merged, v1), 'same')
  assert.equal(replacedWrite(merged, sib('other value', 1)), 'other')
  assert.equal(replacedWrite(merged, sib('v1', 9)), undefined)
})

test('the list inherits what the replaced siblings had replaced, newest first, bounded', () => {
  let record: KvRecord = empty()
  for (let i = 0; i < 40; i++) {
    const s = sib(`v${i}`, i + 1)
    const next = updateWith(newWithContext(join(record), s), record, 'a')
    const supersedes = supersededBy(record, next)
    record = updateWith(newWithContext(join(record), { ...s, supersedes }), record, 'a')
    const live = record.entries.flatMap(e => e.values)
    assert.equal(live.length, 1)
    assert.ok((live[0].supersedes ?? []).length <= MAX_SUPERSEDES)
    if (i > 0) assert.deepEqual(live[0].supersedes?.[0], writeRef(sib(`v${i - 1}`, i)), 'the write it replaced comes first')
  }
  // round trip through the codec
  const back = decodeRecord(encodeRecord(record), { maxValueBytes: 100 })
  assert.equal(back.entries[0].values[0].supersedes?.length, MAX_SUPERSEDES)
})

test('a record from a peer with malformed or too many references is refused', () => {
  const bad = encodeRecord({ entries: [{ actor: 'a', counter: 1, values: [sib('x', 1, { supersedes: [new Uint8Array(5)] })] }], anonymous: [] })
  assert.throws(() => decodeRecord(bad, { maxValueBytes: 100 }), ProtocolError)
  const many = Array.from({ length: MAX_SUPERSEDES + 1 }, (_, i) => writeRef(sib('y', i + 2)) as Uint8Array)
  const tooMany = encodeRecord({ entries: [{ actor: 'a', counter: 1, values: [sib('x', 1, { supersedes: many })] }], anonymous: [] })
  assert.throws(() => decodeRecord(tooMany, { maxValueBytes: 100 }), ProtocolError)
})
