/**
 * protons-runtime reads every string field through a UTF-8 decoder of its
 * own, which gathers the string's char codes into an array grown one
 * element at a time, copies it and spreads the copy into
 * String.fromCharCode: about 1.5 KB of garbage for a 60-character actor id.
 * Every record decoded (a SYNC, a put's reply, a read from LevelDB) reads
 * one per actor of its version vector: 27 KB per write, 14% of all the
 * bytes a peer allocated, measured with V8's sampling heap profiler. A
 * string all of ASCII (actor ids, keys, peer ids in practice) is read here
 * as Latin-1 by Node's Buffer, natively, which for ASCII is the same
 * string; any other (a byte of 0x80 or more, a length past the end) goes to
 * the stock decoder, so its errors and its decoding of bad UTF-8 are
 * unchanged. Where there is no Buffer (a browser) nothing is patched.
 */
import { reader } from 'protons-runtime'
import { asciiString, NATIVE_ASCII } from './version/ascii-string.js'

const PATCHED = Symbol.for('meshkv.protons-ascii-string')

interface ReaderFields {
  buf: Uint8Array
  pos: number
  len: number
  uint32: () => number
  string: () => string
}

const proto = Object.getPrototypeOf(reader(new Uint8Array(0))) as ReaderFields & { [PATCHED]?: () => string }

/** protons-runtime's own string(), for comparison in tests (the same function when nothing was patched) */
export const stockString: () => string = proto[PATCHED] ?? proto.string

if (proto[PATCHED] === undefined && NATIVE_ASCII && typeof proto.string === 'function') {
  const stock = proto.string
  proto.string = function (this: ReaderFields): string {
    const start = this.pos
    const length = this.uint32()
    const from = this.pos
    const end = from + length
    const { buf } = this
    if (end > this.len) {
      this.pos = start
      return stock.call(this)
    }
    for (let i = from; i < end; i++) {
      if (buf[i] > 0x7f) {
        this.pos = start
        return stock.call(this)
      }
    }
    this.pos = end
    return asciiString(buf, from, end)
  }
  proto[PATCHED] = stock
}
