import { InvalidArgumentError, InvalidKeyError, PayloadTooLargeError } from '../errors.js'
import { MAX_KEY_BYTES } from '../constants.js'
import { BUCKET_MARK, DEFAULT_BUCKET, maxKeyBytes, splitKey } from '../buckets/encoding.js'

const encoder = new TextEncoder()
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * An internal key (src/buckets/encoding.ts): a plain key of the default
 * bucket, or a named bucket's mark, bucket and plain key.
 */
export function validateKey (key: unknown): string {
  if (typeof key === 'string' && key.startsWith(BUCKET_MARK)) {
    const { bucket, key: inner } = splitKey(key)
    validatePlainKey(inner, bucket)
    return key
  }
  return validatePlainKey(key, DEFAULT_BUCKET)
}

/** A user's key in `bucket`: no control characters (so never a bucket's mark), within the bucket's length. */
export function validatePlainKey (key: unknown, bucket: string): string {
  if (typeof key !== 'string') throw new InvalidKeyError('key must be a string')
  if (key.length === 0) throw new InvalidKeyError('key must not be empty')
  const limit = maxKeyBytes(bucket)
  // a UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them 4): most keys
  // are within the limit by their length alone, and need no encoding per call
  if (key.length * 3 > limit) {
    const bytes = encoder.encode(key).byteLength
    if (bytes > limit) throw new InvalidKeyError(`key is ${bytes} bytes, over the limit of ${limit}${limit < MAX_KEY_BYTES ? ` in bucket ${bucket}` : ''}`)
  }
  if (CONTROL.test(key)) throw new InvalidKeyError('key must not contain control characters')
  if (key.isWellFormed?.() === false) throw new InvalidKeyError('key is not well-formed Unicode')
  return key
}

export function validateValue (value: Uint8Array, maxValueBytes: number): void {
  if (value.byteLength > maxValueBytes) throw new PayloadTooLargeError(value.byteLength, maxValueBytes)
}

/** A per-request quorum override must be a whole number within 1..n. */
export function validateQuorum (name: 'r' | 'w' | 'n', value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got ${value}`)
  }
  return value
}
