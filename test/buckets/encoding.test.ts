/** The (bucket, key) encoding: reversible, never a plain key, and bucket names checked. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { bucketKey, bucketOf, displayKey, maxKeyBytes, splitKey, validateBucketName, DEFAULT_BUCKET, SYSTEM_BUCKET } from '../../src/buckets/encoding.js'
import { validateKey, validatePlainKey } from '../../src/coordinator/validate.js'
import { InvalidBucketError, InvalidKeyError } from '../../src/errors.js'
import { MAX_KEY_BYTES } from '../../src/constants.js'

const bucketName = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,62}$/).filter(b => b !== DEFAULT_BUCKET)
/** what validatePlainKey accepts: any well-formed string without control characters */
const plainKey = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter(k => {
  try { validatePlainKey(k, DEFAULT_BUCKET); return true } catch { return false }
})

test('round trip: splitKey(bucketKey(b, k)) is (b, k), for every bucket and key', () => {
  fc.assert(fc.property(fc.oneof(bucketName, fc.constant(DEFAULT_BUCKET)), plainKey, (b, k) => {
    assert.deepEqual(splitKey(bucketKey(b, k)), { bucket: b, key: k })
    assert.equal(bucketOf(bucketKey(b, k)), b)
  }), { numRuns: 2000 })
})

test('the default bucket\'s internal key is exactly the plain key', () => {
  fc.assert(fc.property(plainKey, k => { assert.equal(bucketKey(DEFAULT_BUCKET, k), k) }))
})

test('no named bucket\'s internal key is a valid plain key, and distinct (bucket, key) pairs never share one', () => {
  fc.assert(fc.property(bucketName, plainKey, bucketName, plainKey, (b1, k1, b2, k2) => {
    const i1 = bucketKey(b1, k1)
    assert.throws(() => validatePlainKey(i1, DEFAULT_BUCKET), InvalidKeyError)
    assert.notEqual(i1, bucketKey(DEFAULT_BUCKET, k2))
    if (b1 !== b2 || k1 !== k2) assert.notEqual(i1, bucketKey(b2, k2))
  }), { numRuns: 2000 })
})

test('same key in two buckets: two internal keys; the internal key of a named bucket validates as a key', () => {
  const a = bucketKey('photos', 'k')
  const b = bucketKey('logs', 'k')
  assert.notEqual(a, b)
  assert.equal(validateKey(a), a)
  assert.equal(displayKey(a), 'photos/k')
  assert.equal(displayKey('plain'), 'plain')
})

test('bucket names: clear InvalidBucket errors', () => {
  for (const bad of ['', 'UPPER', 'has/slash', 'has space', '-lead', '.lead', 'a'.repeat(64), SYSTEM_BUCKET, '\u0001x']) {
    assert.throws(() => validateBucketName(bad), (err: Error) => err instanceof InvalidBucketError && err.message.length > 10, bad)
  }
  assert.throws(() => validateBucketName(42), InvalidBucketError)
  for (const good of ['default', 'a', 'photos-2026', 'x.y_z', '0']) assert.equal(validateBucketName(good), good)
  assert.throws(() => bucketKey('Bad', 'k'), InvalidBucketError)
})

test('a malformed marked key (from a broken or hostile peer) is refused as a key, never mistaken', () => {
  for (const bad of ['\u0001', '\u0001nobucket', '\u0001Bad/k', '\u0001/k', '\u0001default/k', '\u0001photos/\u0001x']) {
    assert.throws(() => validateKey(bad), InvalidKeyError, JSON.stringify(bad))
  }
  assert.throws(() => validateKey('\u0001photos/'), InvalidKeyError)
})

test('a named bucket\'s keys are shorter by its prefix, so internal keys stay within MAX_KEY_BYTES', () => {
  const limit = maxKeyBytes('photos')
  assert.equal(limit, MAX_KEY_BYTES - '\u0001photos/'.length)
  assert.equal(validateKey(bucketKey('photos', 'k'.repeat(limit))).length, MAX_KEY_BYTES)
  assert.throws(() => validatePlainKey('k'.repeat(limit + 1), 'photos'), /in bucket photos/)
  assert.equal(maxKeyBytes(DEFAULT_BUCKET), MAX_KEY_BYTES)
})
