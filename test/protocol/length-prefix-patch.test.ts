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

  test('empty and maximal (65,535 B) frames, split at every offset: the same frames as whole (empty ones skipped, as stock does)', () => {
    const messages = [new Uint8Array(0), pattern(65_535, 1), new Uint8Array(0), Uint8Array.of(7), new Uint8Array(0), pattern(65_535, 2), new Uint8Array(0)]
    const all = framed(messages)
    const want = messages.filter(m => m.byteLength > 0).map(m => Buffer.from(m).toString('hex'))
    // a cut at every offset around the frame bounds, and a sample of the rest
    const bounds: number[] = []
    for (let at = 0, i = 0; i < messages.length; at += 2 + messages[i].byteLength, i++) bounds.push(at, at + 1, at + 2, at + 3)
    const cuts = [...new Set([...bounds, ...Array.from({ length: 200 }, (_, i) => i * 661)])].filter(c => c > 0 && c < all.byteLength)
    for (const cut of cuts) {
      const { decoder } = noiseLike()
      const out: string[] = []
      for (const piece of [all.subarray(0, cut), all.subarray(cut)]) {
        for (const f of decoder.decode(piece)) out.push(Buffer.from(f.subarray()).toString('hex'))
      }
      assert.deepEqual(out, want, `cut at ${cut}`)
      assert.equal((decoder as unknown as { buffer: Uint8ArrayList }).buffer.byteLength, 0)
    }
  })

  test('a length past the bound is refused once its prefix is whole, after the frames before it, however it is split', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { maxLength: 5 }),
      fc.integer({ min: 1, max: 10 }),
      (messages, cut) => {
        // varint lengths (the decoder's default) up to 100 B; then a length of 2^31
        const good = messages.map(m => Uint8Array.from([m.byteLength, ...m]))
        const evil = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3)
        const all = Uint8Array.from([...good.flatMap(g => [...g]), ...evil])
        const decoder = new LengthPrefixedDecoder({ maxDataLength: 100 })
        const out: string[] = []
        let refused: unknown
        try {
          for (let at = 0; at < all.byteLength; at += cut) {
            for (const f of decoder.decode(all.subarray(at, at + cut))) out.push(Buffer.from(f.subarray()).toString('hex'))
          }
        } catch (err) {
          refused = err
        }
        assert.equal((refused as Error | undefined)?.name, 'InvalidMessageLengthError')
        assert.deepEqual(out, messages.map(m => Buffer.from(m).toString('hex')))
      }
    ), { numRuns: 200 })
  })
})

function pattern (size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}
