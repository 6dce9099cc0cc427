import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MAX_SAMPLES, RequestSeries } from '../../src/daemon/request-series.js'

test('a sample holds the period\'s requests, errors and latency percentiles, then starts over', () => {
  const s = new RequestSeries()
  for (let i = 1; i <= 100; i++) s.record(i, i % 10 === 0 ? 503 : 200)
  const a = s.sample()
  assert.equal(a.requests, 100)
  assert.equal(a.errors, 10)
  assert.equal(a.p50, 51)
  assert.equal(a.p99, 100)
  assert.equal(a.max, 100)
  assert.ok(a.rate > 0)
  const b = s.sample()
  assert.deepEqual([b.requests, b.errors, b.p50, b.p99, b.max, b.rate], [0, 0, null, null, null, 0])
})

test('bounded: the last MAX_SAMPLES samples, and a flood of requests keeps a bounded reservoir', () => {
  const s = new RequestSeries()
  for (let i = 0; i < 100_000; i++) s.record(i % 2 === 0 ? 1 : 1000, 200)
  const flood = s.sample()
  assert.equal(flood.requests, 100_000)
  assert.equal(flood.max, 1000)
  // a uniform sample of half 1 ms, half 1000 ms
  assert.ok(flood.p99 === 1000)
  for (let i = 0; i < MAX_SAMPLES + 20; i++) s.sample()
  const all = s.all()
  assert.equal(all.length, MAX_SAMPLES)
  assert.equal(all[0].requests, 0, 'the oldest samples went first')
})

test('a listener that throws does not stop the others', () => {
  const s = new RequestSeries()
  let seen = 0
  s.onSample(() => { throw new Error('gone') })
  s.onSample(() => { seen++ })
  s.sample()
  assert.equal(seen, 1)
})
