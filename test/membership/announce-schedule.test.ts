import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AnnounceSchedule } from '../../src/membership/announce-schedule.js'

const half = (): number => 0.5

test('eager after a start, then lonely while no member is heard, then at the period', () => {
  const s = new AnnounceSchedule(30_000, half)
  const got: Array<string | undefined> = []
  for (let t = 0; t < 5; t++) {
    const why = s.due(t * 1000, true)
    got.push(why)
    if (why !== undefined) s.announced(t * 1000)
  }
  assert.deepEqual(got, ['eager', 'eager', 'eager', 'lonely', 'lonely'])
  // a member was heard: quiet until the period (jitter 0.5 -> exactly the period)
  assert.equal(s.due(5000, false), undefined)
  assert.equal(s.due(4000 + 30_000 - 1, false), undefined)
  assert.equal(s.due(4000 + 30_000, false), 'periodic')
})

test('loneliness is bounded: a peer that never hears anyone falls back to the period', () => {
  const s = new AnnounceSchedule(30_000, half)
  let lonely = 0
  for (let t = 0; t < 100; t++) {
    const why = s.due(t * 1000, true)
    if (why === 'lonely') lonely++
    if (why !== undefined) s.announced(t * 1000)
  }
  assert.equal(lonely, 30)
})

test('soon brings the next announcement forward, with its reason; a later soon does not postpone it', () => {
  const s = new AnnounceSchedule(30_000, half)
  for (let t = 0; t < 3; t++) s.announced(t)
  while (s.due(10, false) === 'eager') { /* drain the eager ones */ }
  s.announced(10)
  s.soon(1000, 2000, 'news')
  s.soon(1000, 60_000, 'heal')
  assert.equal(s.due(1999, false), undefined)
  assert.equal(s.due(2000, false), 'news')
  s.announced(2000)
  assert.equal(s.due(2001, false), undefined, 'after it went out, the reason is spent')
  s.count('news')
  s.count('news')
  s.count('report-suspect')
  assert.deepEqual(s.byWhy(), { news: 2, 'report-suspect': 1 })
})
