/**
 * Progress on stderr, so stdout stays the table: a redrawn bar on a
 * terminal, a plain line every few seconds otherwise (CI logs, pipes).
 */
const LINE_EVERY_MS = 5_000
const DRAW_EVERY_MS = 100
const WIDTH = 28

export class Progress {
  private done = 0
  private readonly started = Date.now()
  // a plain log gets its first line after LINE_EVERY_MS, so short phases stay quiet
  private lastDraw = process.stderr.isTTY === true ? 0 : this.started
  private readonly tty = process.stderr.isTTY === true
  private closed = false

  /** total: units of work (1 when the caller reports fractions) */
  constructor (private readonly label: string, private readonly total: number) {}

  /** set the absolute amount done (e.g. elapsed ms) */
  set (done: number, note = ''): void {
    this.done = Math.min(done, this.total)
    this.draw(note, false)
  }

  tick (n = 1, note = ''): void {
    this.set(this.done + n, note)
  }

  finish (note = ''): void {
    if (this.closed) return
    this.done = this.total
    this.draw(note, true)
    this.closed = true
  }

  private draw (note: string, final: boolean): void {
    if (this.closed) return
    const now = Date.now()
    const every = this.tty ? DRAW_EVERY_MS : LINE_EVERY_MS
    if (!final && now - this.lastDraw < every) return
    this.lastDraw = now
    const frac = this.total > 0 ? this.done / this.total : 1
    const pct = `${Math.floor(frac * 100)}`.padStart(3)
    const secs = ((now - this.started) / 1000).toFixed(0)
    const eta = frac > 0 && frac < 1 ? ` eta ${Math.ceil((now - this.started) * (1 - frac) / frac / 1000)}s` : ''
    const text = `${this.label} ${pct}% ${secs}s${eta}${note === '' ? '' : ` ${note}`}`
    if (this.tty) {
      const filled = Math.round(frac * WIDTH)
      const bar = '#'.repeat(filled) + '.'.repeat(WIDTH - filled)
      const cols = process.stderr.columns > 0 ? process.stderr.columns : 100
      process.stderr.write(`\r\x1b[2K[${bar}] ${text}`.slice(0, cols + 8) + (final ? '\n' : ''))
    } else if (!final || this.total > 0) {
      process.stderr.write(`${text}\n`)
    }
  }
}

/** A one-line status message on stderr (clears a bar in progress on a terminal). */
export function note (msg: string): void {
  process.stderr.write(process.stderr.isTTY === true ? `\r\x1b[2K${msg}\n` : `${msg}\n`)
}
