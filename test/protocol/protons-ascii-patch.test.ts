/**
 * src/protons-ascii-patch.ts: protons-runtime's reader reads an ASCII string
 * natively, and reads every string (ASCII or not, valid UTF-8 or not, its
 * length past the end of the buffer or not) to the same result, the same
 * error and the same position as its stock decoder.
 */
import { stockString } from '../../src/protons-ascii-patch.js'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { reader } from 'protons-runtime'
import { Record as PbRecord } from '../../src/store/pb/record.js'

type Outcome = { value: string, pos: number } | { error: string }

function read (bytes: Uint8Array, at: number, string: () => string): Outcome[] {
  const r = reader(bytes) as unknown as { pos: number, len: number, string: () => string }
  r.pos = at
  const out: Outcome[] = []
  // strings one after another to the end, as a message's fields are read
  while (r.pos < r.len && out.length < 64) {
    try {
      out.push({ value: string.call(r), pos: r.pos })
    } catch (err) {
      out.push({ error: `${(err as Error).name}: ${(err as Error).message}` })
      break
    }
  }
  return out
}

/** a length-prefixed string field's body */
function field (body: Uint8Array): Uint8Array {
  const out: number[] = []
  let n = body.length
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
  out.push(n)
  return Uint8Array.from([...out, ...body])
}

describe('protons reader: ASCII strings read natively, everything else as before', () => {
  test('the patch is in place where Node has Buffer', () => {
    const r = reader(new Uint8Array(0)) as unknown as { string: () => string }
    assert.notEqual(r.string, stockString)
  })

  test('ASCII, UTF-8 of any plane, bad UTF-8 and lengths past the end read as the stock reader reads them', () => {
    const ascii = fc.uint8Array({ maxLength: 80 }).map(b => b.map(x => x & 0x7f))
    const utf8 = fc.string({ unit: 'binary', maxLength: 40 }).map(s => new TextEncoder().encode(s))
    const body = fc.oneof(ascii, utf8, fc.uint8Array({ maxLength: 80 }))
    fc.assert(fc.property(fc.array(body.map(field), { maxLength: 6 }), fc.uint8Array({ maxLength: 12 }), fc.nat(4), (fields, tail, cut) => {
      const joined = Uint8Array.from([...fields.flatMap(f => [...f]), ...tail])
      // cut short too: a length that runs past the end
      const bytes = joined.subarray(0, Math.max(0, joined.length - cut))
      assert.deepEqual(read(bytes, 0, reader(bytes).string), read(bytes, 0, stockString))
    }), { numRuns: 2000 })
  })

  test('a string in a Buffer (what a socket delivers) and at an offset', () => {
    const body = new TextEncoder().encode('12D3KooWexample.a1b2')
    const bytes = Buffer.from([0, 0, ...field(body), ...field(new TextEncoder().encode('ünïcödé'))])
    assert.deepEqual(read(bytes, 2, reader(bytes).string), read(bytes, 2, stockString))
    assert.deepEqual(read(bytes, 2, reader(bytes).string).map(o => 'value' in o ? o.value : o.error), ['12D3KooWexample.a1b2', 'ünïcödé'])
  })

  test('a record\'s actors decode as they were written', () => {
    const actors = ['12D3KooWA.ep0', 'ä-not-ascii', '']
    const encoded = PbRecord.encode({ entries: actors.map((actor, i) => ({ actor, counter: BigInt(i + 1), values: [] })), anonymous: [] })
    assert.deepEqual(PbRecord.decode(encoded).entries.map(e => e.actor), actors)
  })
})
