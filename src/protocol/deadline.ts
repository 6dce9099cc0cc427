/**
 * A handler's work with a deadline: a request handler (kv, anti-entropy)
 * that takes longer than the sender will wait is answered with a timeout
 * instead of holding its stream and its slot for ever.
 */
import { TimeoutError } from '../errors.js'

export async function withDeadline<T> (work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new TimeoutError(`handler took longer than ${ms} ms`)) }, ms)
    // a deadline is no reason to keep a process alive: a handler whose work
    // never settles because its node stopped under it held tests' processes
    // open for its full minute
    ;(timer as { unref?: () => void }).unref?.()
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
