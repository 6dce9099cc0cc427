/**
 * FrameDecoder: whatever way a stream cuts the bytes of a run of frames
 * (one delivery, byte by byte, chunks of a Uint8ArrayList), the same frames
 * come out in order; a prefix that never ends or a length over the bound
 * throws as soon as it is seen.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeFrame, FrameDecoder } from '../../src/protocol/frames.js'

const MAX = 1 << 16

function framesOf (messages: Uint8Array[]): Uint8Array {
  return new Uint8ArrayList(...messages.map(m => encodeFrame(m))).subarray()
}

describe('FrameDecoder', () => {
  test('any cutting of the bytes gives the same frames, in order (empty frames skipped)', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 20 }),
      fc.array(fc.nat({ max: 700 }), { maxLength: 30 }),
      fc.boolean(),
      (messages, cuts, asList) => {
        const bytes = framesOf(messages)
        const points = [...new Set(cuts.map(c => c % (bytes.byteLength + 1)))].sort((a, b) => a - b)
        const chunks: Uint8Array[] = []
        let from = 0
        for (const p of [...points, bytes.byteLength]) { chunks.push(bytes.slice(from, p)); from = p }
        const decoder = new FrameDecoder(MAX)
        const out: number[][] = []
        if (asList) for (const f of decoder.decode(new Uint8ArrayList(...chunks))) out.push([...f])
        else for (const c of chunks) for (const f of decoder.decode(c)) out.push([...f])
        assert.deepEqual(out, messages.filter(m => m.byteLength > 0).map(m => [...m]))
      }))
  })

  test('byte by byte, a frame near the bound', () => {
    const big = new Uint8Array(MAX).map((_, i) => i)
    const bytes = framesOf([big, Uint8Array.of(7)])
    const decoder = new FrameDecoder(MAX)
    const out: Uint8Array[] = []
    for (let i = 0; i < bytes.byteLength; i += 1000) out.push(...decoder.decode(bytes.subarray(i, i + 1000)))
    assert.equal(out.length, 2)
    assert.deepEqual(out[0], big)
    assert.deepEqual(out[1], Uint8Array.of(7))
  })

  test('a length over the bound throws at its prefix, before any body', () => {
    const decoder = new FrameDecoder(MAX)
    // 1 + 8 * 128^2 = 131,073 bytes
    assert.throws(() => [...decoder.decode(Uint8Array.of(0x81, 0x80, 0x08))], /131073 bytes is over the bound/)
  })

  test('a prefix of continuation bytes longer than the longest allowed throws', () => {
    const decoder = new FrameDecoder(MAX)
    assert.deepEqual([...decoder.decode(Uint8Array.of(0x80, 0x80))], [], 'two bytes: may still end')
    assert.throws(() => [...decoder.decode(Uint8Array.of(0x80, 0x80))], /length prefix longer than 3 bytes/)
  })
})
