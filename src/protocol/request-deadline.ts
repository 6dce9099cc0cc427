/**
 * A kv request's deadline: one timer, cleared when the request settles, and
 * an AbortSignal made only for the rare request that has to wait (for a
 * slot, a stream being opened, a full stream to drain). An AbortController
 * per request, and AbortSignal.timeout above all (never cleared, firing
 * after every reply), cost more than a plain timer on a path taken by every
 * replica request.
 */
export class RequestDeadline {
  expired = false
  private controller?: AbortController
  private onExpire?: () => void
  private readonly timer: ReturnType<typeof setTimeout>

  constructor (ms: number) {
    this.timer = setTimeout(() => { this.expire() }, ms)
  }

  /** aborted once the deadline passes */
  get signal (): AbortSignal {
    this.controller ??= new AbortController()
    if (this.expired) this.controller.abort()
    return this.controller.signal
  }

  /** `fn` runs once if the deadline passes before clear() (one callback; a later one replaces it) */
  whenExpired (fn: (() => void) | undefined): void {
    this.onExpire = fn
  }

  clear (): void {
    clearTimeout(this.timer)
    this.onExpire = undefined
  }

  private expire (): void {
    this.expired = true
    this.controller?.abort()
    const fn = this.onExpire
    this.onExpire = undefined
    fn?.()
  }
}
