/**
 * A record's LevelDB key is what it was (the multiformats codec's
 * base64url of the key's UTF-8): records already stored are found under it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import { recordKey } from '../../src/store/record-key.js'

test('the key the generic codec gave, for any key (lone surrogates, astral characters, empty)', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.string({ maxLength: 40 })), key => {
    assert.equal(recordKey(key), '/r/' + toString(fromString(key, 'utf8'), 'base64url'))
  }), { numRuns: 1000, examples: [[''], ['\uD800'], ['a\uDC00b'], ['user123'], ['😀'.repeat(3)]] })
})
