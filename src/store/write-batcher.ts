/**
 * Group commit: writes made in one turn of the event loop go out as one
 * batch, and writes that arrive while a LevelDB write is in flight go
 * out together as the next batch. Every asynchronous LevelDB write costs a
 * thread-pool round trip, which under load took a sixth of a replica's main
 * thread on a 2-core machine; one batch pays it once for all the writes
 * waiting. Each caller still resolves only once its own write is stored
 * (and fsync'd, when asked).
 */
import { nextTurn } from '../next-turn.js'
import { WriteQueueFullError } from '../errors.js'
import type { MetricsRegistry } from '../metrics.js'

interface Pending {
  key: string
  value: Uint8Array
  resolve: () => void
  reject: (err: Error) => void
}

/** One batch being filled: Level's chained batch. */
export interface ChainedWrite {
  put: (key: string, value: Uint8Array) => unknown
  write: (options: { sync: boolean }) => Promise<void>
}

/**
 * What the batcher writes to: a Level database, or anything with its
 * chained batch(). Chained, not an array of operations: abstract-level
 * checks, copies and converts an array batch on the main thread (about
 * 45 µs for one 1 KB put, 115 µs for eight, against 25 and 43 chained).
 */
export interface BatchTarget {
  batch: () => ChainedWrite
}

export interface WriteBatcherInit {
  db: BatchTarget
  /** fsync each batch before its writers resolve */
  sync: boolean
  /** most writes in one batch; the rest go in the next */
  maxBatch: number
  /**
   * most writes waiting for a batch (the one in flight not counted); past
   * it a write is refused with WriteQueueFullError, never queued
   */
  maxQueued: number
  /** most bytes of values waiting for a batch; a write into an empty queue is always taken */
  maxQueuedBytes: number
  metrics: MetricsRegistry
}

export class WriteBatcher {
  private queue: Pending[] = []
  private queuedBytes = 0
  private flushing = false

  constructor (private readonly init: WriteBatcherInit) {
    init.metrics.describe('meshkv_store_batches_total', 'LevelDB write batches (group commits) stored')
    init.metrics.describe('meshkv_store_writes_total', 'record writes stored, over all batches')
    init.metrics.describe('meshkv_store_batch_ms', 'time to store one write batch (ms)')
    init.metrics.describe('meshkv_store_writes_refused_total', 'record writes refused because the queue for LevelDB was full (ERR_OVERLOADED)')
  }

  /**
   * Throws WriteQueueFullError unless a write of `bytes` would be taken
   * now. A caller that must not let a record escape unless it is queued (a
   * coordinating replica sends it to the others before its own write)
   * asks first, and puts in the same turn.
   */
  assertRoom (bytes: number): void {
    if (this.queue.length === 0) return
    if (this.queue.length < this.init.maxQueued && this.queuedBytes + bytes <= this.init.maxQueuedBytes) return
    this.init.metrics.inc('meshkv_store_writes_refused_total')
    throw new WriteQueueFullError(this.queue.length, this.queuedBytes)
  }

  /**
   * Store `value` under `key` in the next batch; resolves once that batch is
   * written (and fsync'd when asked). Rejects at once with
   * WriteQueueFullError when the queue is at its bound: LevelDB is not
   * keeping up, and a queue without a bound would hold every value a
   * flood of writes brought until memory ran out.
   */
  async put (key: string, value: Uint8Array): Promise<void> {
    this.assertRoom(value.byteLength)
    const { promise, resolve, reject } = Promise.withResolvers<void>()
    this.queue.push({ key, value, resolve, reject })
    this.queuedBytes += value.byteLength
    if (!this.flushing) {
      // the writes made in this turn of the event loop (a frame of SYNCs, a
      // LevelDB batch's worth of replies) go out together, not the first alone
      this.flushing = true
      nextTurn(() => { void this.flush() })
    }
    return promise
  }

  /** writes waiting for a batch (a queue depth gauge) */
  get queued (): number {
    return this.queue.length
  }

  /** bytes of the values waiting for a batch */
  get queuedValueBytes (): number {
    return this.queuedBytes
  }

  /** batches stored and the writes in them, since start */
  get stats (): { batches: number, writes: number } {
    const { metrics } = this.init
    return { batches: metrics.counter('meshkv_store_batches_total'), writes: metrics.counter('meshkv_store_writes_total') }
  }

  private async flush (): Promise<void> {
    this.flushing = true
    try {
      while (this.queue.length > 0) {
        const batch = this.take()
        const started = performance.now()
        const { metrics } = this.init
        try {
          const chained = this.init.db.batch()
          for (const p of batch) chained.put(p.key, p.value)
          await chained.write({ sync: this.init.sync })
          metrics.observe('meshkv_store_batch_ms', { outcome: 'ok' }, performance.now() - started)
          metrics.inc('meshkv_store_batches_total')
          metrics.inc('meshkv_store_writes_total', {}, batch.length)
          for (const p of batch) p.resolve()
        } catch (err) {
          metrics.observe('meshkv_store_batch_ms', { outcome: 'error' }, performance.now() - started)
          for (const p of batch) p.reject(err as Error)
        }
      }
    } finally {
      this.flushing = false
    }
  }

  /** the next batch, off the queue */
  private take (): Pending[] {
    let batch: Pending[]
    if (this.queue.length <= this.init.maxBatch) {
      batch = this.queue
      this.queue = []
    } else {
      batch = this.queue.splice(0, this.init.maxBatch)
    }
    for (const p of batch) this.queuedBytes -= p.value.byteLength
    return batch
  }
}
