import '../../src/shim.js'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { MetricsRegistry } from '../../src/metrics.js'
import { WriteBatcher } from '../../src/store/write-batcher.js'
import { OverloadedError, WriteQueueFullError, errorCode } from '../../src/errors.js'
import type { BatchTarget, ChainedWrite } from '../../src/store/write-batcher.js'

/** A batch target whose writes finish when the test says so. */
class Gate implements BatchTarget {
  readonly batches: Array<{ keys: string[], sync: boolean }> = []
  private readonly waiting: Array<{ resolve: () => void, reject: (err: Error) => void }> = []
  batch (): ChainedWrite {
    const keys: string[] = []
    return {
      put: (key: string) => { keys.push(key) },
      write: async (options: { sync: boolean }) => {
        this.batches.push({ keys, sync: options.sync })
        const { promise, resolve, reject } = Promise.withResolvers<void>()
        this.waiting.push({ resolve, reject })
        return promise
      }
    }
  }

  finish (err?: Error): void {
    const w = this.waiting.shift()
    assert.ok(w !== undefined, 'a batch is in flight')
    if (err === undefined) w.resolve()
    else w.reject(err)
  }
}

const v = new Uint8Array([1])
const UNBOUNDED = { maxQueued: 1e9, maxQueuedBytes: 1e12 }
const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

describe('WriteBatcher', () => {
  test('writes that arrive while a batch is in flight go out together in the next', async () => {
    const db = new Gate()
    const w = new WriteBatcher({ db, sync: true, maxBatch: 100, ...UNBOUNDED, metrics: new MetricsRegistry() })
    const done: string[] = []
    const put = (k: string): Promise<void> => w.put(k, v).then(() => { done.push(k) })
    const first = put('a')
    await tick()
    const rest = ['b', 'c', 'd'].map(put)
    await tick()
    assert.deepEqual(db.batches, [{ keys: ['a'], sync: true }])
    assert.deepEqual(done, [], 'nobody resolves before their batch is written')
    db.finish()
    await first
    await tick()
    assert.deepEqual(db.batches[1], { keys: ['b', 'c', 'd'], sync: true })
    assert.deepEqual(done, ['a'])
    db.finish()
    await Promise.all(rest)
    assert.deepEqual(w.stats, { batches: 2, writes: 4 })
  })

  test('writes made in one turn go out as one batch, acknowledged only once that batch is synced', async () => {
    const db = new Gate()
    const w = new WriteBatcher({ db, sync: true, maxBatch: 100, ...UNBOUNDED, metrics: new MetricsRegistry() })
    const done: string[] = []
    const all = ['a', 'b', 'c'].map(async k => { await w.put(k, v); done.push(k) })
    assert.deepEqual(db.batches, [], 'nothing written before the turn ends')
    await tick()
    assert.deepEqual(db.batches, [{ keys: ['a', 'b', 'c'], sync: true }])
    await tick()
    assert.deepEqual(done, [], 'not acknowledged before the synced write finished')
    db.finish()
    await Promise.all(all)
    assert.deepEqual(done, ['a', 'b', 'c'])
    assert.deepEqual(w.stats, { batches: 1, writes: 3 })
  })

  test('a batch holds at most maxBatch writes; the rest follow', async () => {
    const db = new Gate()
    const w = new WriteBatcher({ db, sync: false, maxBatch: 2, ...UNBOUNDED, metrics: new MetricsRegistry() })
    const first = w.put('x', v)
    await tick()
    const rest = ['a', 'b', 'c', 'd', 'e'].map(async k => w.put(k, v))
    for (const expected of [['x'], ['a', 'b'], ['c', 'd'], ['e']]) {
      await tick()
      assert.deepEqual(db.batches.at(-1)?.keys, expected)
      db.finish()
    }
    await Promise.all([first, ...rest])
  })

  test('a failed batch rejects its writers only, and later writes still go out', async () => {
    const db = new Gate()
    const w = new WriteBatcher({ db, sync: false, maxBatch: 10, ...UNBOUNDED, metrics: new MetricsRegistry() })
    const failed = w.put('a', v)
    await tick()
    const next = w.put('b', v)
    db.finish(new Error('disk full'))
    await assert.rejects(failed, /disk full/)
    await tick()
    db.finish()
    await next
    assert.deepEqual(db.batches.map(b => b.keys), [['a'], ['b']])
  })

  test('the queue has a bound of its own: past maxQueued writes waiting, a write is refused at once (ERR_OVERLOADED), and taken again once a batch leaves', async () => {
    const db = new Gate()
    const metrics = new MetricsRegistry()
    const w = new WriteBatcher({ db, sync: false, maxBatch: 2, maxQueued: 3, maxQueuedBytes: 1e12, metrics })
    const first = w.put('x', v)
    await tick()
    // 'x' is in flight (not counted); three may wait behind it
    const waiting = ['a', 'b', 'c'].map(async k => w.put(k, v))
    assert.equal(w.queued, 3)
    const refused = w.put('d', v)
    await assert.rejects(refused, (err: unknown) => err instanceof WriteQueueFullError && err instanceof OverloadedError && errorCode(err) === 'ERR_OVERLOADED' && /3 writes/.test((err as Error).message))
    assert.throws(() => { w.assertRoom(1) }, WriteQueueFullError)
    assert.equal(w.queued, 3, 'a refused write is not queued')
    assert.equal(metrics.counter('meshkv_store_writes_refused_total'), 2)
    db.finish()
    await first
    await tick()
    // 'a' and 'b' went out as the next batch: room again
    assert.equal(w.queued, 1)
    const later = w.put('e', v)
    db.finish()
    await tick()
    db.finish()
    await Promise.all([...waiting, later])
    assert.deepEqual(db.batches.map(b => b.keys), [['x'], ['a', 'b'], ['c', 'e']])
  })

  test('the bytes waiting are bounded too, and an empty queue always takes a write, however large', async () => {
    const db = new Gate()
    const w = new WriteBatcher({ db, sync: false, maxBatch: 10, maxQueued: 100, maxQueuedBytes: 100, metrics: new MetricsRegistry() })
    const big = w.put('big', new Uint8Array(500))
    assert.equal(w.queuedValueBytes, 500)
    await assert.rejects(w.put('small', new Uint8Array(1)), WriteQueueFullError)
    await tick()
    assert.equal(w.queuedValueBytes, 0, 'a batch in flight is not counted')
    const fits = [w.put('a', new Uint8Array(60)), w.put('b', new Uint8Array(40))]
    await assert.rejects(w.put('c', new Uint8Array(1)), WriteQueueFullError)
    db.finish()
    await big
    await tick()
    db.finish()
    await Promise.all(fits)
    assert.deepEqual(db.batches.map(b => b.keys), [['big'], ['a', 'b']])
  })
})
