import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { hash64Parts, keyPosition, keyPositionsHeld, KEY_POSITIONS_CACHED, KEY_POSITION_CACHED_CHARS } from '../../src/ring/hash.js'

test('keyPosition is hash64Parts of the key, whether remembered or not', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 50 }), keys => {
    for (const key of keys) assert.deepEqual([...keyPosition(key)], hash64Parts(key))
  }), { numRuns: 500 })
})

test('keyPosition holds at most KEY_POSITIONS_CACHED keys, none longer than KEY_POSITION_CACHED_CHARS', () => {
  for (let i = 0; i < 3 * KEY_POSITIONS_CACHED; i++) {
    keyPosition(`bound-${i}`)
    assert.ok(keyPositionsHeld() <= KEY_POSITIONS_CACHED)
  }
  // at least the last half of that many keys are held
  assert.ok(keyPositionsHeld() >= KEY_POSITIONS_CACHED / 2)
  const last = `bound-${3 * KEY_POSITIONS_CACHED - 1}`
  assert.equal(keyPosition(last), keyPosition(last))
  // the oldest went first: the first keys are hashed again, and right
  assert.deepEqual([...keyPosition('bound-0')], hash64Parts('bound-0'))
  assert.ok(keyPositionsHeld() <= KEY_POSITIONS_CACHED)
  const long = 'x'.repeat(KEY_POSITION_CACHED_CHARS + 1)
  const before = keyPosition('bound-1')
  keyPosition(long)
  // a long key took no slot: the last key held is still held (the same frozen pair)
  assert.equal(keyPosition('bound-1'), before)
  assert.deepEqual([...keyPosition(long)], hash64Parts(long))
})

test('a key used again and again stays remembered among many used once', () => {
  const hot = keyPosition('hot-key')
  for (let i = 0; i < 4 * KEY_POSITIONS_CACHED; i++) {
    keyPosition(`cold-${i}`)
    // the same pair each time: remembered, never hashed again
    if (i % 100 === 0) assert.equal(keyPosition('hot-key'), hot)
  }
})

test('a remembered position cannot be changed by its caller', () => {
  const p = keyPosition('frozen')
  assert.throws(() => { (p as unknown as number[])[0] = 1 })
  assert.deepEqual([...keyPosition('frozen')], hash64Parts('frozen'))
})
