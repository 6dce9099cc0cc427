/**
 * startStep (src/browser/start-deadline.ts): a step of a tab's start within
 * a deadline. Past it the start fails at once with ERR_TIMEOUT and what the
 * step holds is let go only when it ends; a step that fails of itself is
 * cleaned up before its error is thrown; one in time is returned untouched.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startStep } from '../../src/browser/start-deadline.js'

const later = async <T>(ms: number, value: T, fail = false): Promise<T> => new Promise((resolve, reject) => {
  setTimeout(() => { fail ? reject(new Error('step failed')) : resolve(value) }, ms)
})

describe('a start step with a deadline', () => {
  test('in time: its value, no cleanup', async () => {
    let cleaned = 0
    assert.equal(await startStep(later(5, 'opened'), 1_000, 'x did not open', async () => { cleaned++ }), 'opened')
    assert.equal(cleaned, 0)
  })

  test('past the deadline: ERR_TIMEOUT at once, the cleanup only once the step ends, with how it ended', async () => {
    const seen: Array<PromiseSettledResult<string>> = []
    const started = performance.now()
    await assert.rejects(startStep(later(300, 'late'), 20, 'the store did not open', async s => { seen.push(s) }),
      (err: Error & { code?: string }) => err.code === 'ERR_TIMEOUT' && err.message === 'the store did not open within 20 ms')
    assert.ok(performance.now() - started < 250, 'it did not wait for the step')
    assert.equal(seen.length, 0, 'nothing let go while the step may still complete')
    await later(400, undefined)
    assert.deepEqual(seen, [{ status: 'fulfilled', value: 'late' }])
  })

  test('failing of itself: cleaned up first, then its own error', async () => {
    const order: string[] = []
    await assert.rejects(startStep(later(5, 'x', true), 1_000, 'x did not open', async s => { order.push(`cleanup ${s.status}`) })
      .catch(err => { order.push('thrown'); throw err }), /step failed/)
    assert.deepEqual(order, ['cleanup rejected', 'thrown'])
  })

  test('a step that never ends: ERR_TIMEOUT, and no cleanup ever', async () => {
    let cleaned = 0
    await assert.rejects(startStep(new Promise<never>(() => {}), 10, 'x did not open', async () => { cleaned++ }), { code: 'ERR_TIMEOUT' })
    await later(50, undefined)
    assert.equal(cleaned, 0)
  })
})
