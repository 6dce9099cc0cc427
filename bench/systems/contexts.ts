/**
 * meshkv keeps concurrent blind writes as siblings (up to a bound, then
 * refuses the write), so a client that updates a key must pass the causal
 * context of what it last saw, as a real application would. One cache per
 * system, shared by its clients: a write sends the newest context known for
 * the key and stores the one it gets back.
 */
export class ContextCache {
  private readonly map = new Map<string, string>()

  constructor (private readonly max = 1_000_000) {}

  get (key: string): string | undefined {
    return this.map.get(key)
  }

  set (key: string, context: string | undefined): void {
    if (context === undefined || context === '') return
    if (!this.map.has(key) && this.map.size >= this.max) return
    this.map.set(key, context)
  }
}
