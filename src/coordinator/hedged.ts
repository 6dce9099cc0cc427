/**
 * Hand one client write to the replicas in turn, hedged: the next replica is
 * tried as soon as the one before fails, or once it has been silent for
 * `hedgeAfterMs`, so one replica that is up but not answering (a stopped
 * process, a blocked event loop, a slow disk) cannot eat the whole deadline
 * while others could take the write. Every attempt carries the same write
 * id, so a replica that took it late does not make it a second sibling.
 * A hedge the caller's policy refuses is asked again at doubling delays.
 * The first success wins; the deadline is final.
 */
import { MeshError, QuorumNotMetError } from '../errors.js'
import type { QuorumDetail } from '../errors.js'

export interface HedgedAttempt<T> {
  peer: string
  /** run the attempt with this much time left (ms) */
  run: (timeoutMs: number) => Promise<T>
}

export interface HedgeOptions {
  /** for error messages: `put KEY` */
  op: string
  /** monotonic deadline, performance.now() ms */
  deadline: number
  /** silence after which the next attempt starts beside this one (ms) */
  hedgeAfterMs: number
  /** quorum needed, for the error's detail */
  required: number
  /** asked when the hedge delay passes: may `next` be tried beside the silent one? (default: yes) */
  mayHedge?: (silent: string, next: string) => boolean
}

/** Errors that would be the same at any replica (the request is wrong): not retried elsewhere. */
export function isFinal (err: unknown): boolean {
  if (!(err instanceof MeshError)) return false
  return !['ERR_TIMEOUT', 'ERR_PROTOCOL', 'ERR_INTERNAL', 'ERR_QUORUM_NOT_MET', 'ERR_NOT_STARTED', 'ERR_HINT_REFUSED', 'ERR_OVERLOADED', 'ERR_CIRCUIT_OPEN'].includes(err.code)
}

export async function hedged<T> (attempts: Array<HedgedAttempt<T>>, options: HedgeOptions): Promise<T> {
  const { op, deadline, hedgeAfterMs, required } = options
  const failed: Array<{ peer: string, error: string }> = []
  // the most informative quorum failure a replica reported (most acks)
  let reported: QuorumDetail | undefined
  return new Promise<T>((resolve, reject) => {
    let next = 0
    let running = 0
    let settled = false
    let hedgeTimer: ReturnType<typeof setTimeout> | undefined
    const deadlineTimer = setTimeout(() => { fail(true) }, Math.max(0, deadline - performance.now()))

    const finish = (): void => {
      settled = true
      clearTimeout(hedgeTimer)
      clearTimeout(deadlineTimer)
    }
    const fail = (timedOut: boolean): void => {
      if (settled) return
      finish()
      const waiting = attempts.slice(0, next).map(a => a.peer).filter(p => !failed.some(f => f.peer === p))
      if (timedOut) for (const peer of waiting) failed.push({ peer, error: 'no reply before the deadline' })
      const answered = reported?.answered ?? []
      reject(new QuorumNotMetError(op, {
        required,
        received: reported?.received ?? 0,
        available: attempts.length,
        answered,
        failed: [...(reported?.failed ?? []).filter(f => !failed.some(g => g.peer === f.peer) && !answered.includes(f.peer)), ...failed.filter(f => !answered.includes(f.peer))]
      }))
    }
    const start = (): void => {
      clearTimeout(hedgeTimer)
      if (settled) return
      const left = deadline - performance.now()
      if (next >= attempts.length || left <= 0) {
        if (running === 0) fail(left <= 0)
        return
      }
      const attempt = attempts[next++]
      running++
      attempt.run(Math.max(1, Math.floor(left))).then(value => {
        running--
        if (settled) return
        // an answer after the deadline is not an acknowledgement the caller may rely on
        if (performance.now() > deadline) { fail(true); return }
        finish()
        resolve(value)
      }, (err: unknown) => {
        running--
        if (settled) return
        if (isFinal(err)) {
          finish()
          reject(err)
          return
        }
        if (err instanceof QuorumNotMetError && (reported === undefined || err.detail.received > reported.received)) reported = err.detail
        failed.push({ peer: attempt.peer, error: (err as Error)?.message ?? String(err) })
        start()
      })
      if (next < attempts.length) {
        // past the hedge delay: the next replica joins in only if the policy
        // allows; otherwise it still gets its turn when this one fails, and
        // the policy is asked again a delay later: what it answers may change
        // (a silent target turns suspect a second into a partition, and a
        // spare may then be tried beside it). Asked at doubling delays: a
        // write slow under load sets a few timers, not one per delay
        const ask = (waitedMs: number): void => {
          if (settled) return
          if (options.mayHedge === undefined || options.mayHedge(attempt.peer, attempts[next].peer)) start()
          else hedgeTimer = setTimeout(() => { ask(2 * waitedMs) }, waitedMs)
        }
        hedgeTimer = setTimeout(() => { ask(hedgeAfterMs) }, hedgeAfterMs)
      }
    }
    start()
  })
}
