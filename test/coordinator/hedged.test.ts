/**
 * Hedged write attempts: the next replica starts when one fails or stays
 * silent past the hedge delay; the first success wins; the deadline is
 * final and nothing succeeds after it; a refusal of the request is final.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { hedged } from '../../src/coordinator/hedged.js'
import { InvalidArgumentError, QuorumNotMetError, TimeoutError } from '../../src/errors.js'
import type { HedgedAttempt } from '../../src/coordinator/hedged.js'

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** An attempt that answers `value` (or throws `err`) after `ms`, and records when it started. */
function attempt (peer: string, ms: number, outcome: { value?: string, err?: Error }, started: Map<string, number>, t0: number): HedgedAttempt<string> {
  return {
    peer,
    run: async () => {
      started.set(peer, performance.now() - t0)
      await sleep(ms)
      if (outcome.err !== undefined) throw outcome.err
      return outcome.value ?? peer
    }
  }
}

const never = (peer: string, started: Map<string, number>, t0: number): HedgedAttempt<string> => ({
  peer,
  run: async () => { started.set(peer, performance.now() - t0); return new Promise<string>(() => {}) }
})

describe('hedged attempts', () => {
  test('a silent first replica: the second starts after the hedge delay and wins', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const out = await hedged([never('silent', started, t0), attempt('ok', 5, { value: 'done' }, started, t0), attempt('spare', 5, {}, started, t0)],
      { op: 'put k', deadline: t0 + 2000, hedgeAfterMs: 100, required: 2 })
    assert.equal(out, 'done')
    assert.ok((started.get('ok') ?? 0) >= 95, `hedge waited: ${started.get('ok')}`)
    assert.equal(started.has('spare'), false, 'no third attempt once one succeeded')
  })

  test('a failure moves on at once, without waiting for the hedge delay', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const out = await hedged([attempt('down', 1, { err: new TimeoutError('gone') }, started, t0), attempt('ok', 1, { value: 'v' }, started, t0)],
      { op: 'put k', deadline: t0 + 2000, hedgeAfterMs: 1000, required: 2 })
    assert.equal(out, 'v')
    assert.ok((started.get('ok') ?? Infinity) < 500)
  })

  test('a refusal of the request itself is final', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    await assert.rejects(hedged([attempt('a', 1, { err: new InvalidArgumentError('bad') }, started, t0), attempt('b', 1, {}, started, t0)],
      { op: 'put k', deadline: t0 + 2000, hedgeAfterMs: 1000, required: 2 }), InvalidArgumentError)
    assert.equal(started.has('b'), false)
  })

  test('all silent: fails at the deadline, naming each replica that did not answer', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const err = await hedged([never('a', started, t0), never('b', started, t0)], { op: 'put k', deadline: t0 + 300, hedgeAfterMs: 50, required: 2 })
      .then(() => undefined, (e: unknown) => e)
    const took = performance.now() - t0
    assert.ok(err instanceof QuorumNotMetError)
    assert.ok(took >= 295 && took < 1000, `${took}`)
    assert.deepEqual(err.detail.failed.map(f => f.peer).sort(), ['a', 'b'])
    assert.equal(err.detail.received, 0)
  })

  test('a success after the deadline is a failure, not a late acknowledgement', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    // the timers race: whichever fires first, the caller must not see success after the deadline
    const res = await hedged([attempt('slow', 120, { value: 'late' }, started, t0)], { op: 'put k', deadline: t0 + 100, hedgeAfterMs: 50, required: 1 })
      .then(v => ({ v, at: performance.now() - t0 }), (e: unknown) => ({ e, at: performance.now() - t0 }))
    assert.ok('e' in res, `succeeded at ${res.at} ms`)
  })

  test('the best quorum detail a replica reported is kept', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const reported = new QuorumNotMetError('put k', { required: 3, received: 2, answered: ['r1', 'r2'], failed: [{ peer: 'r3', error: 'timeout' }] })
    const err = await hedged([attempt('r1', 1, { err: reported }, started, t0), attempt('r2', 1, { err: new TimeoutError('x') }, started, t0)],
      { op: 'put k', deadline: t0 + 2000, hedgeAfterMs: 1000, required: 3 }).then(() => undefined, (e: unknown) => e)
    assert.ok(err instanceof QuorumNotMetError)
    assert.equal(err.detail.received, 2)
    assert.deepEqual(err.detail.answered, ['r1', 'r2'])
    assert.ok(err.detail.failed.some(f => f.peer === 'r3'))
  })
})
