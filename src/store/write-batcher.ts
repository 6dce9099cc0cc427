/**
 * Group commit: writes that arrive while a LevelDB write is in flight go
 * out together as the next batch. Every asynchronous LevelDB write costs a
 * thread-pool round trip, which under load took a sixth of a replica's main
 * thread on a 2-core machine; one batch pays it once for all the writes
 * waiting. Each caller still resolves only once its own write is stored
 * (and fsync'd, when asked).
 */
import type { MetricsRegistry } from '../metrics.js'

interface Pending {
  key: string
  value: Uint8Array
  resolve: () => void
  reject: (err: Error) => void
}

/** What the batcher writes to: a Level database, or anything with its batch() */
export interface BatchTarget {
  batch: (ops: Array<{ type: 'put', key: string, value: Uint8Array }>, options: { sync: boolean }) => Promise<void>
}

export interface WriteBatcherInit {
  db: BatchTarget
  /** fsync each batch before its writers resolve */
  sync: boolean
  /** most writes in one batch; the rest go in the next */
  maxBatch: number
  metrics: MetricsRegistry
}

export class WriteBatcher {
  private readonly queue: Pending[] = []
  private flushing = false

  constructor (private readonly init: WriteBatcherInit) {
    init.metrics.describe('meshkv_store_batches_total', 'LevelDB write batches (group commits) stored')
    init.metrics.describe('meshkv_store_writes_total', 'record writes stored, over all batches')
    init.metrics.describe('meshkv_store_batch_ms', 'time to store one write batch (ms)')
  }

  async put (key: string, value: Uint8Array): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>()
    this.queue.push({ key, value, resolve, reject })
    if (!this.flushing) void this.flush()
    return promise
  }

  /** writes waiting for a batch (a queue depth gauge) */
  get queued (): number {
    return this.queue.length
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
        const batch = this.queue.splice(0, this.init.maxBatch)
        const started = performance.now()
        const { metrics } = this.init
        try {
          await this.init.db.batch(batch.map(p => ({ type: 'put' as const, key: p.key, value: p.value })), { sync: this.init.sync })
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
}
