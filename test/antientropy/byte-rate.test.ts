import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteRate } from '../../src/antientropy/byte-rate.js'

test('a byte rate lets a second of burst through, then waits for the rest', async () => {
  const rate = new ByteRate(10_000)
  let t = performance.now()
  await rate.take(10_000)
  assert.ok(performance.now() - t < 400, 'the burst passes at once')
  t = performance.now()
  await rate.take(5_000)
  assert.ok(performance.now() - t >= 450, `waited ${performance.now() - t} ms for 5,000 bytes at 10,000/s`)
})

test('0 is unlimited; an abort ends the wait', async () => {
  await new ByteRate(0).take(1e12)
  const rate = new ByteRate(1_000)
  const ctl = new AbortController()
  const waiting = rate.take(1e9, ctl.signal)
  ctl.abort(new Error('stopped'))
  await assert.rejects(waiting, /stopped/)
})
