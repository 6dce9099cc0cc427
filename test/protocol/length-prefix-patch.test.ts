/**
 * src/length-prefix-patch.ts: @libp2p/utils' LengthPrefixedDecoder (noise
 * reads every message through one) no longer throws, catches and discards
 * a RangeError at the end of every delivery; what it yields is unchanged,
 * frames split anywhere across deliveries included.
 */
import '../../src/length-prefix-patch.js'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'

/** noise's framing: a 2-byte big-endian length, counting the throws for want of bytes */
function noiseLike (): { decoder: LengthPrefixedDecoder, throws: () => number } {
  let thrown = 0
  const lengthDecoder = (data: Uint8ArrayList | Uint8Array): number => {
    if (data.length < 2) {
      thrown++
      throw new RangeError('Could not decode int16BE')
    }
    return data instanceof Uint8Array ? (data[0] << 8) + data[1] : data.getUint16(0)
  }
  const decoder = new LengthPrefixedDecoder({ lengthDecoder, encodingLength: () => 2, maxBufferSize: 1 << 20 })
  return { decoder, throws: () => thrown }
}

function framed (messages: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(messages.reduce((n, m) => n + 2 + m.byteLength, 0))
  let at = 0
  for (const m of messages) {
    out[at] = m.byteLength >> 8
    out[at + 1] = m.byteLength & 0xff
    out.set(m, at + 2)
    at += 2 + m.byteLength
  }
  return out
}

describe('length-prefixed decoder patch', () => {
  test('deliveries of whole frames: every frame, and no throw at the end of each delivery', () => {
    const { decoder, throws } = noiseLike()
    const got: number[] = []
    for (let d = 0; d < 50; d++) {
      const delivery = framed([Uint8Array.of(d, 1), Uint8Array.of(d, 2, 2), Uint8Array.of(d)])
      for (const f of decoder.decode(delivery)) got.push(f.byteLength)
    }
    assert.equal(got.length, 150)
    assert.deepEqual(got.slice(0, 3), [2, 3, 1])
    assert.equal(throws(), 0, 'the stock decoder threw once per delivery')
  })

  test('frames split anywhere across deliveries come out whole and in order', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 40 }),
      (messages, cuts) => {
        const all = framed(messages)
        const { decoder } = noiseLike()
        const out: Uint8Array[] = []
        let at = 0
        let c = 0
        while (at < all.byteLength) {
          const end = Math.min(all.byteLength, at + cuts[c++ % cuts.length])
          // half the deliveries as lists, as a muxer hands them on
          const piece = all.subarray(at, end)
          for (const f of decoder.decode(c % 2 === 0 ? new Uint8ArrayList(piece) : piece)) out.push(f.subarray())
          at = end
        }
        assert.deepEqual(out.map(b => Buffer.from(b).toString('hex')), messages.map(b => Buffer.from(b).toString('hex')))
      }
    ), { numRuns: 200 })
  })
})
