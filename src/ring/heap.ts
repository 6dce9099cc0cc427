/**
 * A binary max-heap of small integers ordered by a caller's comparison, for
 * the allocator's "most loaded member" and "largest arc" picks. The
 * comparison must be a total order (ties broken by index) so every peer
 * picks the same element.
 */
export class IndexHeap {
  readonly #items: number[]
  readonly #above: (a: number, b: number) => boolean

  /** `above(a, b)`: a comes out before b */
  constructor (items: Iterable<number>, above: (a: number, b: number) => boolean) {
    this.#items = [...items]
    this.#above = above
    for (let i = (this.#items.length >>> 1) - 1; i >= 0; i--) this.#down(i)
  }

  get size (): number {
    return this.#items.length
  }

  peek (): number | undefined {
    return this.#items[0]
  }

  pop (): number | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last !== undefined) {
      items[0] = last
      this.#down(0)
    }
    return top
  }

  /** Restore the order after the top's key went down. */
  topChanged (): void {
    this.#down(0)
  }

  #down (i: number): void {
    const items = this.#items
    const n = items.length
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let best = i
      if (l < n && this.#above(items[l], items[best])) best = l
      if (r < n && this.#above(items[r], items[best])) best = r
      if (best === i) return
      const t = items[i]
      items[i] = items[best]
      items[best] = t
      i = best
    }
  }
}
