/**
 * Protobuf fields written straight into one buffer whose exact size the
 * caller computed first: what the hand-written encoders of the hot path
 * (src/store/record-encoder.ts, src/protocol/kv-codec.ts) share.
 * Protons' generated encoders build a list of operations per field, then
 * allocate and copy; these write each byte once.
 */
import { varintBytes } from './version/varint.js'

/**
 * In Node, buffers under half a slab are cut from a shared slab, as
 * Buffer.allocUnsafe (what the generated encoders use there) cuts them
 * from its pool: a typed array of its own costs an allocation outside the
 * heap, about what the rest of an encoding does. In a browser each gets a
 * buffer of its own, as before: IndexedDB would store a view's whole slab.
 */
const POOLED = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
const SLAB_BYTES = 8192
let slab = new Uint8Array(SLAB_BYTES)
let slabUsed = 0

function alloc (size: number): Uint8Array {
  if (!POOLED || size > SLAB_BYTES / 2) return new Uint8Array(size)
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    slabUsed = 0
  }
  const bytes = slab.subarray(slabUsed, slabUsed + size)
  // aligned, as Node's pool is
  slabUsed = (slabUsed + size + 7) & ~7
  return bytes
}

/** a double's little-endian bytes, through one scratch word (no DataView per write) */
const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** bytes of a length-delimited field of `length` bytes, with a tag of `tagBytes` */
export function fieldSize (length: number, tagBytes = 1): number {
  return tagBytes + varintBytes(length) + length
}

export class ExactWriter {
  readonly bytes: Uint8Array
  pos = 0

  constructor (size: number) {
    // a size that is not a whole number would cut nothing from the slab and
    // hand its start out again, under encodings still in use
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`an encoding of ${size} bytes`)
    this.bytes = alloc(size)
  }

  /** one byte (a tag under 128, a bool) */
  byte (b: number): void {
    this.bytes[this.pos++] = b
  }

  varint (n: number): void {
    while (n >= 128) {
      this.bytes[this.pos++] = (n % 128) | 128
      n = Math.floor(n / 128)
    }
    this.bytes[this.pos++] = n
  }

  /** a length-delimited field: tag (one byte), length, bytes */
  field (tag: number, b: Uint8Array): void {
    this.bytes[this.pos++] = tag
    this.varint(b.byteLength)
    this.bytes.set(b, this.pos)
    this.pos += b.byteLength
  }

  /** a string field whose characters are all ASCII (the caller checked): tag, length, a byte each */
  asciiField (tag: number, s: string): void {
    this.bytes[this.pos++] = tag
    this.varint(s.length)
    for (let i = 0; i < s.length; i++) this.bytes[this.pos++] = s.charCodeAt(i)
  }

  double (n: number): void {
    scratch[0] = n
    if (littleEndian) this.bytes.set(scratchBytes, this.pos)
    else for (let i = 0; i < 8; i++) this.bytes[this.pos + i] = scratchBytes[7 - i]
    this.pos += 8
  }
}
