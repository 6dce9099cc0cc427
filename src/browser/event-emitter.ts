/**
 * Node's `events` EventEmitter, as much of it as abstract-level uses (on,
 * once, off, emit, listenerCount): the browser bundle maps `events` here
 * (scripts/bundle.mjs), as a browser has no such module.
 */
type Listener = (...args: any[]) => void

export class EventEmitter {
  private readonly listenersOf = new Map<string | symbol, Listener[]>()

  on (event: string | symbol, fn: Listener): this {
    this.listenersOf.set(event, [...(this.listenersOf.get(event) ?? []), fn])
    return this
  }

  addListener (event: string | symbol, fn: Listener): this {
    return this.on(event, fn)
  }

  once (event: string | symbol, fn: Listener): this {
    const wrapped: Listener = (...args) => { this.off(event, wrapped); fn(...args) }
    return this.on(event, wrapped)
  }

  off (event: string | symbol, fn: Listener): this {
    const list = this.listenersOf.get(event)
    if (list === undefined) return this
    const i = list.indexOf(fn)
    if (i >= 0) this.listenersOf.set(event, [...list.slice(0, i), ...list.slice(i + 1)])
    return this
  }

  removeListener (event: string | symbol, fn: Listener): this {
    return this.off(event, fn)
  }

  removeAllListeners (event?: string | symbol): this {
    if (event === undefined) this.listenersOf.clear()
    else this.listenersOf.delete(event)
    return this
  }

  emit (event: string | symbol, ...args: unknown[]): boolean {
    const list = this.listenersOf.get(event)
    if (list === undefined || list.length === 0) {
      if (event === 'error') throw args[0]
      return false
    }
    for (const fn of list) fn(...args)
    return true
  }

  listenerCount (event: string | symbol): number {
    return this.listenersOf.get(event)?.length ?? 0
  }

  setMaxListeners (): this {
    return this
  }
}

export default { EventEmitter }
