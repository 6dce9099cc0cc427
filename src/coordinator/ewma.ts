/** An exponentially weighted moving average; 0 until the first sample. */
export class Ewma {
  private current = 0
  private seen = false

  /** `alpha`: the weight of each new sample, in (0, 1] */
  constructor (private readonly alpha: number) {}

  observe (sample: number): void {
    if (!Number.isFinite(sample)) return
    this.current = this.seen ? this.current + this.alpha * (sample - this.current) : sample
    this.seen = true
  }

  get value (): number {
    return this.current
  }
}
