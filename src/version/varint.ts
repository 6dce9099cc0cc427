/**
 * Minimal LEB128 varints of whole numbers from 0 to 2^53, as contexts and
 * protobuf records write them (src/version/context.ts,
 * src/store/record-encoder.ts).
 */

/** Bytes of n as a minimal LEB128 varint. */
export function varintBytes (n: number): number {
  let len = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    len++
  }
  return len
}

/** Write n as a minimal LEB128 varint at `pos`; the position after it. */
export function writeVarint (out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n % 0x80) | 0x80
    n = Math.floor(n / 0x80)
  }
  out[pos++] = n
  return pos
}
