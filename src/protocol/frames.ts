/**
 * Length-prefixed frames on a long-lived stream: varint length, then a
 * protobuf message. Both ends bound the frame size; a frame over the bound or
 * a garbage length closes that stream only.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { ProtocolError } from '../errors.js'

export function encodeFrame (message: Uint8Array): Uint8ArrayList {
  return new Uint8ArrayList(varint.encode(message.byteLength), message)
}

/**
 * Splits what a stream delivers into frames, each a view of the bytes
 * received (no copy) unless it straddles two deliveries, when its parts are
 * joined once it is whole. Not @libp2p/utils' LengthPrefixedDecoder: that
 * one keeps every delivery in a Uint8ArrayList and reads each length prefix
 * byte by byte through it (a search of the list per byte), which under load
 * took 2.5% of a peer's CPU. Empty frames are skipped, as that one did.
 */
export class FrameDecoder {
  private readonly maxPrefix: number
  /** bytes of an incomplete frame (prefix included), in the order they came */
  private parts: Uint8Array[] = []
  private buffered = 0
  /** prefix and body length of the incomplete frame, once its prefix is in */
  private need = 0

  constructor (private readonly maxFrameBytes: number) {
    this.maxPrefix = varint.encodingLength(maxFrameBytes)
  }

  * decode (data: Uint8Array | Uint8ArrayList): Generator<Uint8Array> {
    if (data instanceof Uint8Array) yield * this.push(data)
    else for (const chunk of data) yield * this.push(chunk)
  }

  private * push (chunk: Uint8Array): Generator<Uint8Array> {
    if (chunk.byteLength === 0) return
    let buf = chunk
    if (this.buffered > 0) {
      // the frame is still incomplete: keep the part, join nothing yet
      if (this.need > 0 && this.buffered + chunk.byteLength < this.need) {
        this.parts.push(chunk)
        this.buffered += chunk.byteLength
        return
      }
      buf = new Uint8Array(this.buffered + chunk.byteLength)
      let at = 0
      for (const p of this.parts) { buf.set(p, at); at += p.byteLength }
      buf.set(chunk, at)
      this.parts = []
      this.buffered = 0
      this.need = 0
    }
    let at = 0
    while (at < buf.byteLength) {
      // the length prefix, read in place
      let length = 0
      let shift = 1
      let i = at
      let complete = false
      while (i < buf.byteLength && i - at < this.maxPrefix) {
        const b = buf[i++]
        length += (b & 0x7f) * shift
        shift *= 128
        if ((b & 0x80) === 0) { complete = true; break }
      }
      if (!complete) {
        if (i - at >= this.maxPrefix) throw new ProtocolError(`length prefix longer than ${this.maxPrefix} bytes`)
        break
      }
      if (length > this.maxFrameBytes) throw new ProtocolError(`frame of ${length} bytes is over the bound of ${this.maxFrameBytes}`)
      const end = i + length
      if (end > buf.byteLength) {
        this.need = end - at
        break
      }
      if (length > 0) yield buf.subarray(i, end)
      at = end
    }
    if (at < buf.byteLength) {
      this.parts = [buf.subarray(at)]
      this.buffered = buf.byteLength - at
    }
  }
}

/** The stock decoder, for streams off the hot path (anti-entropy, handoff, admission). */
export function frameDecoder (maxFrameBytes: number): LengthPrefixedDecoder {
  const maxPrefix = varint.encodingLength(maxFrameBytes)
  // room for one whole frame plus the start of the next
  return new LengthPrefixedDecoder({
    maxDataLength: maxFrameBytes,
    maxBufferSize: maxFrameBytes * 2 + 16,
    // The stock decoder takes any RangeError as "wait for more bytes", so a
    // prefix of continuation bytes would be buffered forever: once more bytes
    // than the longest allowed prefix are in and none ends it, it is garbage.
    lengthDecoder: (buf: Uint8ArrayList | Uint8Array) => {
      const n = Math.min(buf.byteLength, maxPrefix)
      let i = 0
      while (i < n && ((buf instanceof Uint8Array ? buf[i] : buf.get(i)) & 0x80) !== 0) i++
      if (i === maxPrefix) throw new Error(`length prefix longer than ${maxPrefix} bytes`)
      return varint.decode(buf)
    }
  })
}
