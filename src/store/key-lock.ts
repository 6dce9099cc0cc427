/**
 * Serialises read-modify-write on one key within this process, so a replica
 * merge and a coordinated write on the same key cannot interleave. Only keys
 * with work pending hold an entry, so the map is bounded by work in flight.
 *
 * A waiter may give up (its signal aborts): it is then answered at once, and
 * its place in the chain passes on as soon as the holder ahead of it is done,
 * without running its work. The signal may be given as a function that makes
 * it, called only when the key is held and the caller must wait: most callers
 * find the key free, and need no controller and no timer.
 */

/** What a wait for the lock gives up on: a signal, or a function that makes one when a wait begins. */
export type LockWait = AbortSignal | (() => AbortSignal)

export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T> (key: string, fn: () => Promise<T>, wait?: LockWait): Promise<T> {
    if (typeof wait !== 'function') wait?.throwIfAborted()
    const held = this.tails.get(key)
    let release!: () => void
    const mine = new Promise<void>(resolve => { release = resolve })
    if (held === undefined) {
      // no one holds the key or waits for it (the usual case): run now,
      // without the chain and the abort listener a wait needs
      this.tails.set(key, mine)
      try {
        return await fn()
      } finally {
        release()
        if (this.tails.get(key) === mine) this.tails.delete(key)
      }
    }
    const prev = held
    // made before this caller joins the chain: a throw leaves the chain as it was
    const signal = typeof wait === 'function' ? wait() : wait
    const tail = prev.then(() => mine)
    this.tails.set(key, tail)
    const done = (): void => {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
    if (signal !== undefined) {
      try {
        await waitOrAbort(prev, signal)
      } catch (err) {
        void prev.then(done)
        throw err
      }
    } else {
      await prev
    }
    try {
      return await fn()
    } finally {
      done()
    }
  }

  get pending (): number {
    return this.tails.size
  }
}

async function waitOrAbort (p: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, reject)
  })
}
