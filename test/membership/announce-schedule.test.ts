import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AnnounceSchedule, announcePeriodMs } from '../../src/membership/announce-schedule.js'

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

test('the slow period grows with log n past 8 members, so a peer hears n / log n periodic announcements a period, not n', () => {
  assert.equal(announcePeriodMs(30_000, 1), 30_000)
  assert.equal(announcePeriodMs(30_000, 10), 30_000)
  assert.equal(announcePeriodMs(30_000, 16), 30_000)
  assert.equal(announcePeriodMs(30_000, 64), 90_000)
  const heardPerPeriod = (n: number): number => n * 30_000 / announcePeriodMs(30_000, n)
  assert.ok(heardPerPeriod(50) / heardPerPeriod(10) < 2, `x5 peers: ${heardPerPeriod(50) / heardPerPeriod(10)}`)
  for (let n = 2; n < 4096; n *= 2) assert.ok(announcePeriodMs(30_000, 2 * n) >= announcePeriodMs(30_000, n), 'never shrinks as the cluster grows')
  const s = new AnnounceSchedule(30_000, half)
  s.resize(128)
  assert.equal(s.period(), 120_000)
  for (let t = 0; t < 3; t++) s.announced(t)
  while (s.due(10, false) === 'eager') { /* drain the eager ones */ }
  s.announced(10)
  assert.equal(s.due(10 + 119_999, false), undefined)
  assert.equal(s.due(10 + 120_000, false), 'periodic')
})
