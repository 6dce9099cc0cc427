import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RateLimitedLog } from '../../src/membership/rate-limited-log.js'

test('a key is due once per period, and the table stays bounded', () => {
  const log = new RateLimitedLog(1000, 3)
  assert.equal(log.due('a', 0), true)
  assert.equal(log.due('a', 999), false)
  assert.equal(log.due('a', 1000), true)
  assert.equal(log.due('b', 1000), true)
  assert.equal(log.due('c', 1000), true)
  // full: a fourth key evicts what has expired, else starts over, but is never refused
  assert.equal(log.due('d', 1001), true)
  for (let i = 0; i < 10_000; i++) log.due(`k${i}`, 2000 + i)
  assert.equal(log.due('d', 2001), true, 'the table was reset when full, so d is due again rather than memory growing')
})
