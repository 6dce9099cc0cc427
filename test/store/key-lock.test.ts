/**
 * KeyLock with waiters that give up: whatever the mix of holders, waiters
 * and aborts, no two run at once, they run in arrival order, an aborted
 * waiter never runs, and the lock's map is empty when all is done.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { KeyLock } from '../../src/store/key-lock.js'

const tick = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('KeyLock', () => {
  test('mutual exclusion, arrival order and no leftovers, with aborts anywhere', async () => {
    const waiter = fc.record({ work: fc.integer({ min: 0, max: 4 }), abortAfter: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }), gap: fc.integer({ min: 0, max: 2 }) })
    await fc.assert(fc.asyncProperty(fc.array(waiter, { minLength: 1, maxLength: 8 }), async waiters => {
      const lock = new KeyLock()
      let running = 0
      const ran: number[] = []
      const called: number[] = []
      const outcomes = waiters.map(async (w, i) => {
        await tick(w.gap)
        const controller = new AbortController()
        if (w.abortAfter !== undefined) setTimeout(() => { controller.abort(new Error('gave up')) }, w.abortAfter)
        called.push(i)
        try {
          await lock.run('k', async () => {
            running++
            assert.equal(running, 1, 'two holders at once')
            ran.push(i)
            await tick(w.work)
            running--
          }, w.abortAfter === undefined ? undefined : controller.signal)
          return 'ran'
        } catch (err) {
          assert.equal((err as Error).message, 'gave up')
          return 'aborted'
        }
      })
      const results = await Promise.all(outcomes)
      // every one that ran, ran once; none that was answered "aborted" ran
      for (const [i, r] of results.entries()) assert.equal(ran.includes(i), r === 'ran', `waiter ${i}: ${r}`)
      assert.equal(new Set(ran).size, ran.length)
      assert.deepEqual(ran, called.filter(i => ran.includes(i)), 'holders run in the order they asked')
      // an aborted waiter's place passes on a few microtasks after the holder ahead of it is done
      await tick(0)
      assert.equal(lock.pending, 0, 'the map holds no key once all are done')
    }), { numRuns: 150 })
  })

  test('a waiter that gives up does not let the next one in before the holder is done', async () => {
    const lock = new KeyLock()
    const order: string[] = []
    const holder = lock.run('k', async () => { order.push('holder in'); await tick(50); order.push('holder out') })
    const controller = new AbortController()
    const quitter = lock.run('k', async () => { order.push('quitter ran') }, controller.signal).catch(() => { order.push('quitter gave up') })
    const next = lock.run('k', async () => { order.push('next in') })
    await tick(5)
    controller.abort(new Error('gave up'))
    await Promise.all([holder, quitter, next])
    assert.deepEqual(order, ['holder in', 'quitter gave up', 'holder out', 'next in'])
    assert.equal(lock.pending, 0)
  })

  test('a wait given as a function is made only when the key is held, and gives up as a signal does', async () => {
    const lock = new KeyLock()
    let made = 0
    const controller = new AbortController()
    const wait = (): AbortSignal => { made++; return controller.signal }
    assert.equal(await lock.run('k', async () => 'free', wait), 'free')
    assert.equal(made, 0, 'a free key needs no signal')
    let release = (): void => {}
    const holder = lock.run('k', async () => { await new Promise<void>(resolve => { release = resolve }) })
    let ran = false
    const waiter = lock.run('k', async () => { ran = true }, wait)
    assert.equal(made, 1, 'made when the wait began')
    controller.abort(new Error('deadline'))
    await assert.rejects(waiter, /deadline/)
    release()
    await holder
    assert.equal(ran, false)
    assert.equal(lock.pending, 0)
  })

  test('a wait function that throws fails that caller only: the key is not left locked', async () => {
    const lock = new KeyLock()
    let release = (): void => {}
    const holder = lock.run('k', async () => { await new Promise<void>(resolve => { release = resolve }) })
    await assert.rejects(lock.run('k', async () => 'never', () => { throw new Error('no timer') }), /no timer/)
    release()
    await holder
    assert.equal(await lock.run('k', async () => 'next'), 'next')
    assert.equal(lock.pending, 0)
  })

  test('an already-aborted signal is refused before queueing', async () => {
    const lock = new KeyLock()
    await assert.rejects(lock.run('k', async () => 1, AbortSignal.abort(new Error('late'))), /late/)
    assert.equal(lock.pending, 0)
  })
})
