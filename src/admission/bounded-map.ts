/**
 * A Map with a size bound: past it, the entry used least recently goes.
 * For caches a hostile peer could otherwise grow (verified certificates,
 * peers that showed none).
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>()

  constructor (readonly max: number) {}

  get size (): number {
    return this.map.size
  }

  get (key: K): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  set (key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K)
  }

  delete (key: K): boolean {
    return this.map.delete(key)
  }

  keys (): IterableIterator<K> {
    return this.map.keys()
  }
}
