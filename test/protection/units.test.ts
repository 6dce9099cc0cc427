/**
 * The pure parts of protection: the circuit breaker's states, the retry's
 * backoff within a deadline, the per-client token bucket, the adaptive
 * in-flight limit and the HTTP guard.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Breakers, CircuitBreaker } from '../../src/protocol/circuit-breaker.js'
import { isTransient, withRetry } from '../../src/coordinator/retry.js'
import { RateLimiter } from '../../src/daemon/token-bucket.js'
import { HttpGuard } from '../../src/daemon/http-guard.js'
import { ADAPTIVE_INITIAL, ADAPTIVE_MIN, AdaptiveLimit } from '../../src/daemon/adaptive-limit.js'
import { CircuitOpenError, InvalidKeyError, ProtocolError, QuorumNotMetError, TimeoutError } from '../../src/errors.js'

const options = { failures: 3, openMs: 1000, maxOpenMs: 4000 }

describe('circuit breaker', () => {
  test('closed until `failures` consecutive failures; a success in between resets the count', () => {
    let t = 0
    const b = new CircuitBreaker(options, () => t)
    t = 5000
    assert.equal(b.failure(), false)
    assert.equal(b.failure(), false)
    b.success()
    assert.equal(b.failure(), false)
    assert.equal(b.failure(), false)
    assert.equal(b.current, 'closed')
    assert.equal(b.allow(), true)
    assert.equal(b.failure(), false, 'it answered just now: a burst of timeouts to a busy peer does not open it')
    t = 5999
    assert.equal(b.failure(), false)
    t = 6000
    assert.equal(b.failure(), true, 'silent for quietMs (default openMs) and failing: open')
    assert.equal(b.current, 'open')
    assert.equal(b.allow(), false)
    t = 6400
    assert.equal(b.retryInMs(), 600)
  })

  test('open, then half-open: one probe at a time; its success closes, its failure reopens for twice as long', () => {
    let t = -1000
    const b = new CircuitBreaker(options, () => t)
    t = 0
    for (let i = 0; i < 3; i++) b.failure()
    t = 999
    assert.equal(b.allow(), false)
    t = 1000
    assert.equal(b.current, 'half-open')
    assert.equal(b.allow(), true, 'the probe')
    assert.equal(b.allow(), false, 'only one probe')
    assert.equal(b.failure(), true)
    assert.equal(b.current, 'open')
    t = 2999
    assert.equal(b.allow(), false, 'open for 2000 ms after a failed probe')
    t = 3000
    assert.equal(b.allow(), true)
    b.failure()
    t = 3000 + 3999
    assert.equal(b.allow(), false)
    t = 3000 + 4000
    assert.equal(b.allow(), true, 'capped at maxOpenMs')
    b.success()
    assert.equal(b.current, 'closed')
    assert.equal(b.allow(), true)
    assert.equal(b.allow(), true)
    // back to the base open time
    t += 1000
    for (let i = 0; i < 3; i++) b.failure()
    t += 1000
    assert.equal(b.allow(), true)
  })

  test('a probe that ended saying nothing of the peer frees the slot for another', () => {
    let t = -1000
    const b = new CircuitBreaker(options, () => t)
    t = 0
    for (let i = 0; i < 3; i++) b.failure()
    t = 1000
    assert.equal(b.allow(), true)
    b.release()
    assert.equal(b.allow(), true)
  })

  test('the breaker map is bounded and drops closed breakers before open ones', () => {
    let t = 0
    const m = new Breakers(options, 3, () => t)
    const open = m.get('open')
    t = 1000
    for (let i = 0; i < 3; i++) open.failure()
    m.get('a')
    m.get('b')
    m.get('c')
    assert.equal(m.size, 3)
    assert.deepEqual(Object.keys(m.notClosed()), ['open'])
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 50 }), ids => {
      const x = new Breakers(options, 5, () => 0)
      for (const id of ids) x.get(id)
      return x.size <= 5
    }))
  })
})

describe('retries', () => {
  test('a transient failure is retried after a jittered, growing backoff, then succeeds', async () => {
    let calls = 0
    const delays: number[] = []
    const out = await withRetry(async () => {
      if (++calls < 3) throw new Error('stream reset')
      return 'ok'
    }, { deadline: performance.now() + 5000, random: () => 1, baseMs: 10, onRetry: (_e, _a, d) => { delays.push(d) } })
    assert.equal(out, 'ok')
    assert.equal(calls, 3)
    assert.deepEqual(delays, [10, 20])
  })

  test('timeouts, open circuits and wrong requests are not retried; nor past the deadline', async () => {
    for (const err of [new TimeoutError('x'), new CircuitOpenError('peer', 10), new InvalidKeyError('bad'), new QuorumNotMetError('put', { required: 2, received: 1, answered: [], failed: [] })]) {
      let calls = 0
      await assert.rejects(withRetry(async () => { calls++; throw err }, { deadline: performance.now() + 5000 }), err)
      assert.equal(calls, 1, err.name)
    }
    assert.equal(isTransient(new ProtocolError('channel closed')), true)
    let calls = 0
    await assert.rejects(withRetry(async () => { calls++; throw new Error('reset') }, { deadline: performance.now() + 5, random: () => 1, baseMs: 50 }))
    assert.equal(calls, 1, 'no room for a backoff before the deadline')
  })

  test('a peer no longer worth asking (membership marked it down) is not retried', async () => {
    let calls = 0
    let down = false
    await assert.rejects(withRetry(async () => { calls++; down = true; throw new ProtocolError('channel closed') }, { deadline: performance.now() + 5000, random: () => 0, worthRetrying: () => !down }))
    assert.equal(calls, 1)
  })

  test('at most `attempts` tries, each given the time left', async () => {
    const given: number[] = []
    await assert.rejects(withRetry(async (ms) => { given.push(ms); throw new Error('reset') }, { deadline: performance.now() + 2000, attempts: 4, random: () => 0 }))
    assert.equal(given.length, 4)
    assert.ok(given.every(ms => ms > 1900 && ms <= 2000))
  })
})

describe('per-client rate limit and in-flight bound', () => {
  test('a token bucket: burst, then the rate; clients apart; the map bounded', () => {
    let t = 0
    const r = new RateLimiter({ ratePerSec: 2, burst: 3, maxClients: 2, now: () => t })
    assert.deepEqual([r.take('a'), r.take('a'), r.take('a')], [0, 0, 0])
    assert.equal(r.take('a'), 0.5)
    assert.equal(r.take('b'), 0)
    t = 500
    assert.equal(r.take('a'), 0)
    assert.ok(r.take('a') > 0)
    r.take('c')
    assert.equal(r.clients, 2)
  })

  test('the guard refuses past maxInflight until a request is released; /status and /metrics always pass', () => {
    const g = new HttpGuard({ maxInflight: 2, clientRatePerSec: 0, clientBurst: 1 })
    const a = g.admit('/kv/x', '1.2.3.4')
    const b = g.admit('/kv/y', '1.2.3.4')
    const c = g.admit('/kv/z', '1.2.3.5')
    assert.ok('release' in a && 'release' in b)
    assert.ok('refused' in c)
    assert.equal(c.refused.code, 'ERR_OVERLOADED')
    assert.equal(c.refused.retryAfterSec, 1)
    assert.ok('release' in g.admit('/status', 'x'))
    assert.ok('release' in g.admit('/metrics', 'x'))
    a.release()
    a.release()
    assert.equal(g.inFlight, 1)
    assert.ok('release' in g.admit('/kv/z', '1.2.3.5'))
  })

  test('the guard rate limits per client with a Retry-After of the wait', () => {
    let t = 0
    const g = new HttpGuard({ maxInflight: 100, clientRatePerSec: 0.5, clientBurst: 1, now: () => t })
    const ok = g.admit('/kv/x', 'a')
    assert.ok('release' in ok)
    ok.release()
    const no = g.admit('/kv/x', 'a')
    assert.ok('refused' in no)
    assert.equal(no.reason, 'rate')
    assert.equal(no.refused.retryAfterSec, 2)
    assert.ok('release' in g.admit('/kv/x', 'b'))
    t = 2000
    assert.ok('release' in g.admit('/kv/x', 'a'))
  })
})

describe('the adaptive in-flight limit', () => {
  test('starts at 64 (never above maxInflight), grows past it by one per fast operation while in use, not while idle', () => {
    assert.equal(new AdaptiveLimit({ max: 2, targetMs: 1000 }).current, 2)
    const l = new AdaptiveLimit({ max: 512, targetMs: 1000, now: () => 0 })
    assert.equal(l.current, ADAPTIVE_INITIAL)
    // a peer with few requests in flight learns nothing about how many more it could take
    for (let i = 0; i < 100; i++) l.observe(10, 1)
    assert.equal(l.current, ADAPTIVE_INITIAL)
    for (let i = 0; i < 10; i++) l.observe(10, l.current)
    assert.equal(l.current, ADAPTIVE_INITIAL + 10)
    // between half the target and the target: held
    l.observe(700, l.current)
    assert.equal(l.current, ADAPTIVE_INITIAL + 10)
    for (let i = 0; i < 1000; i++) l.observe(1, l.current)
    assert.equal(l.current, 512, 'never above maxInflight')
  })

  test('a slow operation halves it, once per 250 ms however many arrive; fast ones bring it back to where it started, then past it by one per limit\'s worth; never below the floor', () => {
    let t = 0
    const l = new AdaptiveLimit({ max: 512, targetMs: 1000, initial: 400, now: () => t })
    l.observe(5000, 400)
    assert.equal(l.current, 200)
    for (let i = 0; i < 50; i++) l.observe(5000, 200)
    assert.equal(l.current, 200, 'one burst of slow replies is one signal')
    t = 250
    l.observe(1500, 200)
    assert.equal(l.current, 100)
    // back to where it started, even with one request in flight at a time (a trickle after a slow moment)
    for (let i = 0; i < 300; i++) l.observe(10, 1)
    assert.equal(l.current, 400)
    // past it, slow start is over: 400 fast operations at a limit of 400 add one
    for (let i = 0; i < 400; i++) l.observe(10, 400)
    assert.equal(l.current, 400)
    l.observe(10, 400)
    assert.equal(l.current, 401)
    for (let i = 0; i < 100; i++) { t += 250; l.observe(5000, 10) }
    assert.equal(l.current, ADAPTIVE_MIN)
  })

  test('property: whatever the latencies and counts, the limit stays a whole number from the floor to maxInflight', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 300 }), (max, steps) => {
      let t = 0
      const l = new AdaptiveLimit({ max, targetMs: 1000, now: () => t })
      for (const [ms, inflight, dt] of steps) {
        t += dt
        l.observe(ms, inflight)
        assert.ok(Number.isInteger(l.current) && l.current >= Math.min(max, ADAPTIVE_MIN) && l.current <= max, String(l.current))
      }
    }))
  })

  test('the guard refuses at the adaptive limit and says so; without a target it is maxInflight alone', () => {
    let t = 0
    const g = new HttpGuard({ maxInflight: 512, clientRatePerSec: 0, clientBurst: 1, targetLatencyMs: 1000, now: () => t })
    assert.equal(g.limit, ADAPTIVE_INITIAL)
    const held = Array.from({ length: ADAPTIVE_INITIAL }, (_, i) => g.admit(`/kv/${i}`, 'c'))
    assert.ok(held.every(h => 'release' in h))
    const refused = g.admit('/kv/more', 'c')
    assert.ok('refused' in refused)
    assert.match(refused.refused.message, /saturated: 64 client requests in flight \(limit 64 now, as its latency allows; maxInflight 512\)/)
    g.observe(4000)
    assert.equal(g.limit, 32)
    t = 1000
    assert.equal(new HttpGuard({ maxInflight: 512, clientRatePerSec: 0, clientBurst: 1 }).limit, 512)
  })
})

describe('an open circuit under sloppy quorum', () => {
  test('a target whose breaker is open is backed up by a spare at once, not after the hedge delay', async () => {
    const { sloppyWrite } = await import('../../src/coordinator/sloppy-write.js')
    const sent: Array<[string, string | undefined]> = []
    const started = performance.now()
    const result = await sloppyWrite({
      op: 'put k',
      targets: [{ peer: 'stalled' }, { peer: 'b' }],
      spares: ['spare'],
      required: 3,
      counted: [{ peer: 'self', value: 'self' }],
      timeoutMs: 10_000,
      hedgeAfterMs: 5_000,
      send: async (peer, hintFor) => {
        sent.push([peer, hintFor])
        if (peer === 'stalled') throw new CircuitOpenError(peer, 1000)
      }
    })
    assert.ok(performance.now() - started < 1000)
    assert.deepEqual(result.ok.map(r => r.value).sort(), ['b', 'self', 'spare'])
    assert.deepEqual(sent.find(([p]) => p === 'spare'), ['spare', 'stalled'], 'the spare holds a hint for the stalled owner')
  })
})
