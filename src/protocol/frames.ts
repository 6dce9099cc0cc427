/**
 * Length-prefixed frames on a long-lived stream: varint length, then a
 * protobuf message. Both ends bound the frame size; a frame over the bound or
 * a garbage length closes that stream only.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'

export function encodeFrame (message: Uint8Array): Uint8ArrayList {
  return new Uint8ArrayList(varint.encode(message.byteLength), message)
}

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
