/**
 * The LevelDB key of a record: `/r/` and the base64url (unpadded) of the
 * key's UTF-8, the string datastore-level's Key would render. Keys already
 * stored are found by it, so it never changes. In Node, Buffer's native
 * codec writes it (~0.5 µs a key against ~1 µs through multiformats'
 * generic one, twice per write); a browser keeps the generic codec.
 */
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'

export const RECORD_PREFIX = '/r/'

interface NodeBuffer { from: (s: string, encoding: 'utf8') => { toString: (encoding: 'base64url') => string } }
const NativeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer

export function recordKey (key: string): string {
  if (NativeBuffer !== undefined) return RECORD_PREFIX + NativeBuffer.from(key, 'utf8').toString('base64url')
  return RECORD_PREFIX + toString(fromString(key, 'utf8'), 'base64url')
}
