/**
 * @libp2p/utils' LengthPrefixedDecoder stops reading when its length
 * decoder throws a RangeError for want of bytes: once every frame of a
 * delivery is read, that is once per delivery, an Error built with its
 * stack trace each time. Noise decodes every message it receives through
 * one (a 2-byte length before each ciphertext), so every TCP read of every
 * connection paid for a throw. This stops when the buffer is empty, as the
 * throw would, and leaves every other case to the stock decoder.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

const PATCHED = Symbol.for('meshkv.length-prefix-empty')

interface DecoderFields {
  buffer: Uint8ArrayList
}

type Decode = (this: DecoderFields, buf: Uint8Array | Uint8ArrayList) => Generator<Uint8ArrayList>

const proto = LengthPrefixedDecoder.prototype as unknown as { decode: Decode, [PATCHED]?: boolean }

if (proto[PATCHED] !== true && typeof proto.decode === 'function') {
  const stock = proto.decode
  proto.decode = function * (this: DecoderFields, buf: Uint8Array | Uint8ArrayList): Generator<Uint8ArrayList> {
    const frames = stock.call(this, buf)
    // the first step appends `buf`; after each frame, a buffer read through
    // to its end holds no length prefix to try
    let next = frames.next()
    while (next.done !== true) {
      yield next.value
      if (this.buffer.byteLength === 0) return
      next = frames.next()
    }
  }
  proto[PATCHED] = true
}
