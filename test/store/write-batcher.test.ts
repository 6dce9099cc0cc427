import '../../src/shim.js'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { MetricsRegistry } from '../../src/metrics.js'
import { WriteBatcher } from '../../src/store/write-batcher.js'
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
const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

describe('WriteBatcher', () => {
  test('writes that arrive while a batch is in flight go out together in the next', async () => {
    const db = new Gate()
    const w = new WriteBatcher({ db, sync: true, maxBatch: 100, metrics: new MetricsRegistry() })
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
    const w = new WriteBatcher({ db, sync: true, maxBatch: 100, metrics: new MetricsRegistry() })
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
    const w = new WriteBatcher({ db, sync: false, maxBatch: 2, metrics: new MetricsRegistry() })
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
    const w = new WriteBatcher({ db, sync: false, maxBatch: 10, metrics: new MetricsRegistry() })
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
})
