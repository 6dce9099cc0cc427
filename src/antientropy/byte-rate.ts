/**
 * A token bucket over bytes: anti-entropy takes what it sent and received,
 * and waits whenever it is past its rate, so an exchange never takes more
 * than its share of the link from client traffic. A burst of one second's
 * worth passes at once (a small exchange is not slowed). 0 is unlimited.
 */
export class ByteRate {
  private tokens: number
  private last = Date.now()

  constructor (private readonly bytesPerSec: number) {
    this.tokens = bytesPerSec
  }

  async take (bytes: number, signal?: AbortSignal): Promise<void> {
    if (!(this.bytesPerSec > 0)) return
    const now = Date.now()
    this.tokens = Math.min(this.bytesPerSec, this.tokens + (now - this.last) * this.bytesPerSec / 1000)
    this.last = now
    this.tokens -= bytes
    if (this.tokens >= 0) return
    const waitMs = Math.ceil(-this.tokens * 1000 / this.bytesPerSec)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, waitMs)
      const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
