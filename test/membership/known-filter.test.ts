import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { KNOWN_FILTER_BYTES, knownFilter, mayKnow } from '../../src/membership/known-filter.js'

const peerId = fc.string({ minLength: 10, maxLength: 60 })

test('property: every member put in the filter tests as known (no false negatives)', () => {
  fc.assert(fc.property(fc.array(peerId, { maxLength: 300 }), ids => {
    const f = knownFilter(ids)
    assert.equal(f.byteLength, KNOWN_FILTER_BYTES)
    for (const id of ids) assert.ok(mayKnow(f, id), id)
  }))
})

test('members not in the filter mostly test as unknown: few false positives at 50 members, some at 500', () => {
  const ids = (n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `12D3KooW${tag}${i.toString(36).padStart(6, '0')}peer`)
  const rate = (n: number): number => {
    const f = knownFilter(ids(n, 'in'))
    const out = ids(5000, 'out')
    return out.filter(id => mayKnow(f, id)).length / out.length
  }
  assert.ok(rate(50) < 0.01, `50 members: ${rate(50)}`)
  assert.ok(rate(500) < 0.2, `500 members: ${rate(500)}`)
  assert.ok(!mayKnow(knownFilter([]), 'anyone'), 'an empty filter knows nobody')
})

test('a filter of the wrong size (another version, a hostile peer) says nothing: nobody answers it', () => {
  assert.ok(mayKnow(new Uint8Array(0), 'x'))
  assert.ok(mayKnow(new Uint8Array(10_000), 'x'))
})
