/**
 * Bytes all under 0x80 as the string they spell, made without an array of
 * char codes (eight bytes an element, then copied again into the call of
 * String.fromCharCode). Node's Buffer reads them natively as Latin-1, the
 * same string for ASCII; elsewhere (a browser) TextDecoder does.
 */
type Latin1Slice = (this: Uint8Array, start: number, end: number) => string

const latin1Slice = (globalThis as { Buffer?: { prototype: { latin1Slice?: Latin1Slice } } }).Buffer?.prototype.latin1Slice
const decoder = typeof latin1Slice === 'function' ? undefined : new TextDecoder('latin1')

/** whether asciiString runs natively (Node): a caller may keep its own code for short strings elsewhere */
export const NATIVE_ASCII = typeof latin1Slice === 'function'

/** The string of bytes[start..end), every one of them under 0x80 (what others spell is not defined). */
export function asciiString (bytes: Uint8Array, start: number, end: number): string {
  if (typeof latin1Slice === 'function') return latin1Slice.call(bytes, start, end)
  return (decoder as TextDecoder).decode(bytes.subarray(start, end))
}
