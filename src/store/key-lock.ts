/**
 * Serialises read-modify-write on one key within this process, so a replica
 * merge and a coordinated write on the same key cannot interleave. Only keys
 * with work pending hold an entry, so the map is bounded by work in flight.
 */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>(resolve => { release = resolve })
    const tail = prev.then(() => mine)
    this.tails.set(key, tail)
    await prev
    try {
      return await fn()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }

  get pending (): number {
    return this.tails.size
  }
}
