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
  // room for one whole frame plus the start of the next
  return new LengthPrefixedDecoder({ maxDataLength: maxFrameBytes, maxBufferSize: maxFrameBytes * 2 + 16 })
}
