/**
 * Retries of one replica request that failed transiently (a stream reset, a
 * connection dropped, a dial that failed): again after an exponential
 * backoff with full jitter (a random delay up to base·2^attempt, capped), as
 * long as the request's deadline leaves room. Only requests that are safe to
 * repeat go through here: reads, merges of a record (a sync is idempotent),
 * and writes handed to a replica (they carry their write id, so a replica
 * that already minted the write answers with it instead of minting again).
 * A timeout is not retried (it spent the time), nor an open circuit, nor an
 * error that any replica would give (a wrong request).
 */
import { MeshError } from '../errors.js'
import { isFinal } from './hedged.js'

export interface RetryOptions {
  /** monotonic deadline, performance.now() ms */
  deadline: number
  /** attempts in all, the first included (default RETRY_ATTEMPTS) */
  attempts?: number
  /** first backoff ceiling (ms) */
  baseMs?: number
  /** backoff ceiling (ms) */
  maxMs?: number
  /** least time an attempt is worth starting with (ms) */
  minAttemptMs?: number
  random?: () => number
  /** told of each retry (metrics) */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
  /**
   * Asked before each retry: is the peer still worth asking? A channel
   * closes when membership marks its peer down; retrying that peer would
   * spend the rest of the deadline on it, where the caller (a hedged write,
   * a sloppy slot) would move on to another replica at once.
   */
  worthRetrying?: () => boolean
}

export const RETRY_ATTEMPTS = 3
export const RETRY_BASE_MS = 20
export const RETRY_MAX_MS = 250

/** Worth trying the same peer again: it did not answer with an error of the request's own. */
export function isTransient (err: unknown): boolean {
  if (!(err instanceof MeshError)) return true
  if (isFinal(err)) return false
  return err.code === 'ERR_PROTOCOL'
}

export async function withRetry<T> (run: (timeoutMs: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = o.attempts ?? RETRY_ATTEMPTS
  const base = o.baseMs ?? RETRY_BASE_MS
  const max = o.maxMs ?? RETRY_MAX_MS
  const minAttempt = o.minAttemptMs ?? 20
  const random = o.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    const left = Math.floor(o.deadline - performance.now())
    try {
      return await run(Math.max(1, left))
    } catch (err) {
      if (attempt >= attempts || !isTransient(err) || o.worthRetrying?.() === false) throw err
      const delay = random() * Math.min(max, base * 2 ** (attempt - 1))
      if (o.deadline - performance.now() - delay < minAttempt) throw err
      o.onRetry?.(err, attempt, delay)
      await new Promise(resolve => setTimeout(resolve, delay))
    }
  }
}
