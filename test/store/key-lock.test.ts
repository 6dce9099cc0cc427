/**
 * The per-key lock: work on one key runs one at a time in arrival order; a
 * waiter whose signal aborts is answered at once, runs nothing, and does
 * not let anyone behind it start before the holder ahead of it is done.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { KeyLock } from '../../src/store/key-lock.js'

const tick = async (): Promise<void> => new Promise(resolve => setImmediate(resolve))

test('an aborted waiter gives up at once and never runs; order and exclusion hold for the rest', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.record({ abortAfter: fc.option(fc.nat(3)), work: fc.nat(3) }), { minLength: 1, maxLength: 12 }), async ops => {
    const lock = new KeyLock()
    let running = 0
    const ran: number[] = []
    const results = ops.map(async (op, i) => {
      const ac = new AbortController()
      if (op.abortAfter !== null) void (async () => { for (let t = 0; t < op.abortAfter!; t++) await tick(); ac.abort(new Error('gave up')) })()
      try {
        await lock.run('k', async () => {
          running++
          assert.equal(running, 1, 'one holder at a time')
          for (let t = 0; t < op.work; t++) await tick()
          ran.push(i)
          running--
        }, ac.signal)
        return 'ran'
      } catch (err) {
        assert.equal((err as Error).message, 'gave up')
        return 'aborted'
      }
    })
    const outcomes = await Promise.all(results)
    assert.deepEqual(ran, [...ran].sort((a, b) => a - b), 'arrival order')
    outcomes.forEach((o, i) => { assert.equal(o === 'ran', ran.includes(i)) })
    // an aborted waiter hands its place on once the holder ahead is done: let the chain drain
    for (let t = 0; t < 50 && lock.pending > 0; t++) await tick()
    assert.equal(lock.pending, 0, 'no entry left behind')
  }), { numRuns: 200 })
})

test('an already-aborted signal is refused before queueing', async () => {
  const lock = new KeyLock()
  await assert.rejects(lock.run('k', async () => 1, AbortSignal.abort(new Error('late'))), /late/)
  assert.equal(lock.pending, 0)
})
