/**
 * Run calls to several replicas at once and settle as soon as `required` of
 * them succeed, or as soon as that can no longer happen. Every call carries
 * its own deadline, so this never hangs. What the slower calls return later
 * is still delivered through `settled` (read repair uses it).
 */
import { QuorumNotMetError } from '../errors.js'

export interface QuorumCall<T> {
  peer: string
  run: () => Promise<T>
}

export interface Reply<T> { peer: string, value: T }
export interface Failure { peer: string, error: string }

export interface QuorumResult<T> {
  ok: Array<Reply<T>>
  failed: Failure[]
  /** every call's outcome, once all have settled */
  settled: Promise<{ ok: Array<Reply<T>>, failed: Failure[] }>
}

/** `counted`: replies already in hand (the local replica's), counted towards `required`. */
export async function quorum<T> (op: string, calls: Array<QuorumCall<T>>, required: number, counted: Array<Reply<T>> = []): Promise<QuorumResult<T>> {
  const ok: Array<Reply<T>> = [...counted]
  const total = calls.length + counted.length
  const failed: Failure[] = []
  let done!: () => void
  const settled = new Promise<{ ok: Array<Reply<T>>, failed: Failure[] }>(resolve => {
    done = () => { resolve({ ok: [...ok], failed: [...failed] }) }
  })
  if (calls.length === 0) done()
  return new Promise<QuorumResult<T>>((resolve, reject) => {
    let decided = false
    const decide = (): void => {
      if (decided) return
      if (ok.length >= required) {
        decided = true
        resolve({ ok: [...ok], failed: [...failed], settled })
      } else if (ok.length + (total - ok.length - failed.length) < required) {
        decided = true
        reject(new QuorumNotMetError(op, { required, received: ok.length, answered: ok.map(r => r.peer), failed: [...failed] }))
      }
    }
    for (const call of calls) {
      call.run().then(value => { ok.push({ peer: call.peer, value }) }, (err: Error) => {
        failed.push({ peer: call.peer, error: err.message })
      }).finally(() => {
        decide()
        if (ok.length + failed.length === total) done()
      })
    }
    decide()
  })
}
