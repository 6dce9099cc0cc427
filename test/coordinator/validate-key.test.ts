/**
 * validatePlainKey skips encoding keys whose length alone keeps them within
 * the limit: the same keys pass, and the rest fail with the same error, as
 * when every key was encoded.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { validatePlainKey } from '../../src/coordinator/validate.js'
import { InvalidKeyError } from '../../src/errors.js'
import { MAX_KEY_BYTES } from '../../src/constants.js'
import { DEFAULT_BUCKET, maxKeyBytes } from '../../src/buckets/encoding.js'

const encoder = new TextEncoder()
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** validatePlainKey as it was: every key encoded to count its bytes. */
function reference (key: unknown, bucket: string): string {
  if (typeof key !== 'string') throw new InvalidKeyError('key must be a string')
  if (key.length === 0) throw new InvalidKeyError('key must not be empty')
  const bytes = encoder.encode(key).byteLength
  const limit = maxKeyBytes(bucket)
  if (bytes > limit) throw new InvalidKeyError(`key is ${bytes} bytes, over the limit of ${limit}${limit < MAX_KEY_BYTES ? ` in bucket ${bucket}` : ''}`)
  if (CONTROL.test(key)) throw new InvalidKeyError('key must not contain control characters')
  if (key.isWellFormed?.() === false) throw new InvalidKeyError('key is not well-formed Unicode')
  return key
}

function outcome (f: () => unknown): unknown {
  try {
    return { ok: f() }
  } catch (err) {
    return { error: (err as Error).message, code: (err as InvalidKeyError).code }
  }
}

/** keys around the limits: ASCII, 2-, 3- and 4-byte characters, lone surrogates, control characters */
const unit = fc.constantFrom('a', 'é', '中', '😀', '\uD800', '\uDC00', '\u0001', 'z')
const keyArb = fc.oneof(
  fc.string({ unit, maxLength: 40 }),
  fc.tuple(fc.integer({ min: 200, max: 1100 }), fc.string({ unit, maxLength: 30 })).map(([n, tail]) => 'k'.repeat(n) + tail),
  fc.tuple(fc.integer({ min: 250, max: 360 }), fc.constantFrom('é', '中', '😀', '\uD800')).map(([n, c]) => c.repeat(n))
)

test('validatePlainKey accepts and refuses exactly as when it encoded every key', () => {
  fc.assert(fc.property(keyArb, fc.constantFrom(DEFAULT_BUCKET, 'b', 'a-rather-long-bucket-name'), (key, bucket) => {
    assert.deepEqual(outcome(() => validatePlainKey(key, bucket)), outcome(() => reference(key, bucket)))
  }), { numRuns: 3000 })
  assert.deepEqual(outcome(() => validatePlainKey(42, DEFAULT_BUCKET)), outcome(() => reference(42, DEFAULT_BUCKET)))
})
