/**
 * The pure parts of backup: a record survives its JSON line exactly; bad
 * lines are refused with what is wrong; the k-way merge of replica scans
 * gives each key once, DVV-synced over every replica holding it; lines are
 * cut at "\n" whatever the chunking, and a line past the bound is refused.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { recordFromJson, recordToJson } from '../../src/backup/record-json.js'
import { mergedScan, storageOrder } from '../../src/backup/merged-scan.js'
import { lines } from '../../src/backup/line-splitter.js'
import { encodeRecord, siblingEquals } from '../../src/store/record.js'
import { equal, newSet, newWithContext, syncAll, update, updateWith } from '../../src/version/index.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const limits = { maxValueBytes: 1024 }
const sib = (v: string | null, t = 1, id?: number): Sibling => {
  const s: Sibling = { value: v === null ? null : new TextEncoder().encode(v), timestamp: t }
  if (id !== undefined) s.writeId = new Uint8Array(16).fill(id)
  return s
}

/** a record built by writes of some actors, with and without contexts: siblings and deletes */
const arbRecord = fc.array(fc.record({ actor: fc.constantFrom('a.1', 'b.1', 'c.2'), value: fc.option(fc.string({ maxLength: 8 }), { nil: null }), blind: fc.boolean(), id: fc.integer({ min: 1, max: 200 }) }), { minLength: 1, maxLength: 6 })
  .map(writes => {
    let r: KvRecord = update(newSet(sib(writes[0].value, 1, writes[0].id)), writes[0].actor)
    for (const w of writes.slice(1)) {
      const ctx = w.blind ? [] : r.entries.map(e => [e.actor, e.counter] as [string, number])
      r = updateWith(newWithContext(ctx, sib(w.value, 2, w.id)), r, w.actor, siblingEquals)
    }
    return r
  })

describe('record JSON lines', () => {
  test('a record comes back from its line exactly (values, deletes, write ids, dots)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }), arbRecord, (key, record) => {
      const line = JSON.parse(JSON.stringify(recordToJson(key, record)))
      const back = recordFromJson(line, limits)
      assert.equal(back.key, key)
      assert.ok(equal(back.record, record, siblingEquals))
      assert.deepEqual(encodeRecord(back.record), encodeRecord(record))
    }))
  })

  test('bad lines are refused saying what is wrong', () => {
    const ok = recordToJson('k', update(newSet(sib('v')), 'a.1'))
    const cases: Array<[unknown, RegExp]> = [
      [[1], /not a JSON object/],
      [{ ...ok, key: '' }, /"key" must be a non-empty string/],
      [{ key: 'k' }, /"record" must be an object/],
      [{ key: 'k', record: { entries: [{ actor: 'a', counter: -1, values: [] }], anonymous: [] } }, /entries\[0\] must be/],
      [{ key: 'k', record: { entries: [{ actor: 'a', counter: 1, values: [{ value: '***', timestamp: 1 }] }], anonymous: [] } }, /values\[0\]\.value must be a base64 string/],
      [{ key: 'k', record: { entries: [{ actor: 'a', counter: 0, values: [{ value: 'eA==', timestamp: 1 }] }], anonymous: [] } }, /more values than events/],
      [{ key: 'k', record: { entries: [{ actor: 'b', counter: 1, values: [] }, { actor: 'a', counter: 1, values: [] }], anonymous: [] } }, /not sorted/],
      [{ key: 'k', record: { entries: [], anonymous: [{ value: 'eA==', timestamp: 1, writeId: 'eA==' }] } }, /write id of 1 bytes/],
      [{ key: 'k', record: { entries: [], anonymous: [{ value: Buffer.alloc(2000).toString('base64'), timestamp: 1 }] } }, /over the limit/]
    ]
    for (const [line, message] of cases) assert.throws(() => recordFromJson(line, limits), (err: Error & { code?: string }) => err.code === 'ERR_INVALID_ARGUMENT' && message.test(err.message), String(message))
  })
})

describe('merged scan', () => {
  test('every key once, in storage order, synced over the replicas that hold it', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), arbRecord, { maxKeys: 8 }), { minLength: 1, maxLength: 4 }), async (replicas) => {
      const scans = replicas.map(r => (async function * (): AsyncGenerator<[string, Uint8Array]> {
        for (const k of Object.keys(r).sort((x, y) => storageOrder(x) < storageOrder(y) ? -1 : 1)) yield [k, encodeRecord(r[k])]
      })())
      const out: Array<[string, KvRecord]> = []
      for await (const e of mergedScan(scans, limits)) out.push(e)
      const keys = [...new Set(replicas.flatMap(r => Object.keys(r)))].sort((x, y) => storageOrder(x) < storageOrder(y) ? -1 : 1)
      assert.deepEqual(out.map(([k]) => k), keys)
      for (const [k, rec] of out) {
        const want = syncAll(replicas.filter(r => Object.hasOwn(r, k)).map(r => r[k]), siblingEquals)
        assert.ok(equal(rec, want, siblingEquals), k)
      }
    }), { numRuns: 50 })
  })

  test('a scan out of storage order fails the merge rather than skip keys', async () => {
    const rec = encodeRecord(update(newSet(sib('v')), 'a.1'))
    const bad = (async function * (): AsyncGenerator<[string, Uint8Array]> { yield ['b', rec]; yield ['a', rec] })()
    await assert.rejects(async () => { for await (const _ of mergedScan([bad], limits)) {} }, /out of storage order/)
  })
})

describe('line splitter', () => {
  test('lines are the same however the bytes are chunked, multi-byte characters included', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 10 }).map(s => s.replace(/\n/g, '')), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), async (want, cuts) => {
      const bytes = new TextEncoder().encode(want.map(l => l + '\n').join(''))
      const chunks: Uint8Array[] = []
      for (let i = 0, c = 0; i < bytes.length; i += cuts[c++ % cuts.length]) chunks.push(bytes.slice(i, i + cuts[c % cuts.length]))
      const got: string[] = []
      for await (const l of lines((async function * () { yield * chunks })(), 100)) got.push(l.text)
      assert.deepEqual(got, want)
    }), { numRuns: 100 })
  })

  test('a last line without "\\n" is a line; one past the bound fails with its number', async () => {
    const got: Array<[number, string]> = []
    for await (const l of lines((async function * () { yield 'a\nb' })(), 10)) got.push([l.number, l.text])
    assert.deepEqual(got, [[1, 'a'], [2, 'b']])
    await assert.rejects(async () => { for await (const _ of lines((async function * () { yield 'ok\n'; yield 'x'.repeat(6); yield 'x'.repeat(6) })(), 10)) {} }, /longer than 10 characters \(line 2\)/)
  })
})
