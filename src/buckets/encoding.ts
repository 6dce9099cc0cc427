/**
 * A bucket travels inside the key: the internal key (ring position, store,
 * wire) of (bucket, key) is
 *
 *   default bucket:  key                  (exactly the plain key: old data stays where it was)
 *   any other:       "\u0001" bucket "/" key
 *
 * A plain key never holds a control character (src/coordinator/validate.ts
 * refuses them), so no plain key starts with U+0001 and the two forms never
 * collide; a bucket name never holds "/", so the first "/" after the mark
 * ends it and the encoding is reversible. Pure: no I/O.
 */
import { InvalidBucketError, InvalidKeyError } from '../errors.js'
import { MAX_KEY_BYTES } from '../constants.js'

export const DEFAULT_BUCKET = 'default'
/** Where bucket properties and usage live; users cannot name it (names start with a letter or digit). */
export const SYSTEM_BUCKET = '_meshkv'
/** First character of every internal key of a named bucket. */
export const BUCKET_MARK = '\u0001'
const SEPARATOR = '/'

/** What a user may call a bucket: lowercase letters, digits, ".", "_" and "-", 1 to 63, starting with a letter or digit. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/

/** A bucket name a user may write to or create, or InvalidBucket saying why not. */
export function validateBucketName (name: unknown): string {
  if (typeof name !== 'string') throw new InvalidBucketError('bucket name must be a string')
  if (name === SYSTEM_BUCKET) throw new InvalidBucketError(`bucket ${SYSTEM_BUCKET} is reserved for meshkv's own records`)
  if (!NAME.test(name)) {
    throw new InvalidBucketError(`bucket name must be 1 to 63 characters of a-z, 0-9, ".", "_" and "-", starting with a letter or digit, got ${JSON.stringify(name.slice(0, 80))}`)
  }
  return name
}

function validInternalBucket (name: string): boolean {
  return name === SYSTEM_BUCKET || (name !== DEFAULT_BUCKET && NAME.test(name))
}

/** The internal key of `key` in `bucket`; the default bucket's is the plain key itself. */
export function bucketKey (bucket: string, key: string): string {
  if (bucket === DEFAULT_BUCKET) return key
  if (!validInternalBucket(bucket)) validateBucketName(bucket)
  return `${BUCKET_MARK}${bucket}${SEPARATOR}${key}`
}

export interface SplitKey { bucket: string, key: string }

/**
 * The (bucket, key) an internal key stands for. A key without the mark is
 * the default bucket's; one with the mark but no valid bucket is refused
 * (it came from a hostile or broken peer: no plain key looks like it).
 */
export function splitKey (internal: string): SplitKey {
  if (!internal.startsWith(BUCKET_MARK)) return { bucket: DEFAULT_BUCKET, key: internal }
  const end = internal.indexOf(SEPARATOR, BUCKET_MARK.length)
  const bucket = end < 0 ? '' : internal.slice(BUCKET_MARK.length, end)
  if (end < 0 || !validInternalBucket(bucket)) throw new InvalidKeyError('key carries a malformed bucket')
  return { bucket, key: internal.slice(end + 1) }
}

/** The bucket of an internal key without validating it (hot paths: anti-entropy, counting); `undefined` for a malformed one. */
export function bucketOf (internal: string): string | undefined {
  if (!internal.startsWith(BUCKET_MARK)) return DEFAULT_BUCKET
  const end = internal.indexOf(SEPARATOR, BUCKET_MARK.length)
  return end < 0 ? undefined : internal.slice(BUCKET_MARK.length, end)
}

const encoder = new TextEncoder()

/** Longest key (UTF-8 bytes) a bucket holds: its internal key must stay within MAX_KEY_BYTES. */
export function maxKeyBytes (bucket: string): number {
  return bucket === DEFAULT_BUCKET ? MAX_KEY_BYTES : MAX_KEY_BYTES - encoder.encode(`${BUCKET_MARK}${bucket}${SEPARATOR}`).byteLength
}

/** How a key reads in messages: `bucket/key`, or the plain key for the default bucket. */
export function displayKey (internal: string): string {
  const bucket = bucketOf(internal)
  if (bucket === undefined || bucket === DEFAULT_BUCKET) return internal
  return `${bucket}/${internal.slice(BUCKET_MARK.length + bucket.length + 1)}`
}
