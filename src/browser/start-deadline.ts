/**
 * A step of a tab's start with a deadline: IndexedDB's open can wait for
 * ever (another page of the origin holds the database in an upgrade, a
 * browser whose storage is wedged), and a tab whose `ready` never settles
 * can neither say why nor be retried. Past the deadline the start fails
 * with a TimeoutError; the step itself cannot be cancelled, so what it
 * holds is let go only once it has ended (`cleanup`), never while it may
 * still open a database another tab could take.
 */
import { TimeoutError } from '../errors.js'

/**
 * `work` within `ms`, else TimeoutError(`${late} within ${ms} ms`) (`late`: "the
 * tab's local store did not open").
 * When it fails or times out, `cleanup` runs once it has settled: awaited
 * when it failed of itself, left running past a timeout.
 */
export async function startStep<T> (work: Promise<T>, ms: number, late: string, cleanup: (settled: PromiseSettledResult<T>) => Promise<void>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'timeout'>(resolve => { timer = setTimeout(() => { resolve('timeout') }, ms) })
  const settled = work.then(value => ({ status: 'fulfilled', value }) as const, (reason: unknown) => ({ status: 'rejected', reason }) as const)
  const first = await Promise.race([settled, deadline])
  clearTimeout(timer)
  if (first === 'timeout') {
    void settled.then(async s => { await cleanup(s) }).catch(() => {})
    throw new TimeoutError(`${late} within ${ms} ms`)
  }
  if (first.status === 'fulfilled') return first.value
  await cleanup(first).catch(() => {})
  throw first.reason
}
