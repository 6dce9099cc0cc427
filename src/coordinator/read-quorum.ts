/**
 * A read asks `required` replicas, not all of them: with R+W>N any R replicas
 * see every acknowledged write, so asking the other N-R only moves records
 * that are not needed (a get at N3 R2 on a replica was one local read and two
 * remote ones; it is now one and one). The next replica in order is asked
 * when one fails (a stand-in holding nothing counts as failed), or, as a
 * speculative retry, when the quorum is still short after `hedgeAfterMs`
 * and the policy allows it (asked again at doubling delays when it does not) (src/coordinator/hedge-policy.ts: one silent
 * replica costs one hedge, a busy cluster about one read in ten).
 *
 * The same contract as quorum(): settles as soon as `required` succeed or
 * that can no longer happen; every call carries its own deadline, so this
 * never hangs; `settled` reports every call that was started, once all of
 * them have settled (read repair uses it).
 */
import { QuorumNotMetError } from '../errors.js'
import type { Failure, QuorumCall, QuorumResult, Reply } from './quorum.js'

export interface ReadQuorumOptions {
  /** silence after which one more replica is asked beside the running ones (ms) */
  hedgeAfterMs: number
  /** asked when the delay passes: may `next` be asked beside `silent` (the longest-running call)? (default: yes) */
  mayHedge?: (silent: string, next: string) => boolean
}

/** `calls` in the order to ask them: the first `required` at once, the rest only as needed. */
export async function readQuorum<T> (op: string, calls: Array<QuorumCall<T>>, required: number, options: ReadQuorumOptions): Promise<QuorumResult<T>> {
  const ok: Array<Reply<T>> = []
  const failed: Failure[] = []
  // started and not yet settled, oldest first
  const running: string[] = []
  let next = 0
  let decided = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let done!: () => void
  const settled = new Promise<{ ok: Array<Reply<T>>, failed: Failure[] }>(resolve => {
    done = () => { resolve({ ok: [...ok], failed: [...failed] }) }
  })
  return new Promise<QuorumResult<T>>((resolve, reject) => {
    const decide = (): void => {
      if (decided) {
        if (running.length === 0) done()
        return
      }
      if (ok.length >= required) {
        decided = true
        resolve({ ok: [...ok], failed: [...failed], settled })
      } else if (ok.length + running.length + (calls.length - next) < required) {
        decided = true
        reject(new QuorumNotMetError(op, { required, received: ok.length, available: calls.length, answered: ok.map(r => r.peer), failed: [...failed] }))
      }
      if (decided) {
        clearTimeout(timer)
        if (running.length === 0) done()
      }
    }
    // a refused hedge is asked again at doubling delays, as a write's is
    // (src/coordinator/hedged.ts): a read slow under load sets a few
    // timers, not one per delay
    const arm = (delayMs = options.hedgeAfterMs): void => {
      clearTimeout(timer)
      if (decided || next >= calls.length) return
      timer = setTimeout(() => {
        if (decided || next >= calls.length || running.length === 0) return
        if (options.mayHedge === undefined || options.mayHedge(running[0], calls[next].peer)) start()
        else arm(2 * delayMs)
      }, delayMs)
    }
    const start = (): void => {
      const call = calls[next++]
      running.push(call.peer)
      const settle = (): void => {
        running.splice(running.indexOf(call.peer), 1)
      }
      call.run().then(value => {
        settle()
        ok.push({ peer: call.peer, value })
        decide()
      }, (err: Error) => {
        settle()
        failed.push({ peer: call.peer, error: err?.message ?? String(err) })
        // a failure is replaced at once: no waiting for the hedge delay
        if (!decided) fill()
        decide()
      })
      arm()
    }
    const fill = (): void => {
      while (ok.length + running.length < required && next < calls.length) start()
    }
    fill()
    decide()
  })
}
