/**
 * Progress bars for long work (export, import, leave) on stderr, drawn only
 * when stderr is a terminal: piped or redirected output gets nothing extra,
 * so scripts and logs see exactly what they saw before.
 */
import cliProgress from 'cli-progress'
import type { CliIo } from './io.js'

export interface Progress {
  /** the work done so far; `total` when it became known or changed */
  update: (value: number, total?: number) => void
  /** remove the bar (it is not left on the terminal) */
  stop: () => void
}

const NONE: Progress = { update: () => {}, stop: () => {} }

export interface ProgressOptions {
  /** what is being done: "export", "import", "leave" */
  label: string
  /** how much there is to do; absent, only the count so far is shown */
  total?: number
  /** what is counted: "keys", "bytes" */
  unit: string
  /** the count shown as a size (KiB, MiB) */
  bytes?: boolean
}

function size (n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}

/**
 * A bar on the terminal at stderr, or nothing at all when stderr is not one.
 * The bar is drawn at the first update, so a total learnt then (a leave's
 * key count) still gets a bar with a percentage and an ETA.
 */
export function progress (io: CliIo, options: ProgressOptions): Progress {
  if (io.stderr.isTTY !== true) return NONE
  const stream = io.stderr as unknown as NodeJS.WritableStream
  const show = (n: number): string => options.bytes === true ? size(n) : `${n} ${options.unit}`
  let bar: cliProgress.SingleBar | undefined
  let known = false
  let total = 1
  let stopped = false
  const draw = (first: number | undefined): void => {
    known = first !== undefined && first > 0
    total = known ? first! : 1
    bar = new cliProgress.SingleBar({
      stream,
      format: known
        ? `${options.label} [{bar}] {percentage}% | {done} of {all} | ETA {eta_formatted}`
        : `${options.label} {done} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
      etaBuffer: 50
    }, cliProgress.Presets.shades_classic)
    bar.start(total, 0, { done: show(0), all: show(total) })
  }
  if (options.total !== undefined) draw(options.total)
  return {
    update (value, newTotal) {
      if (stopped) return
      if (bar === undefined) draw(newTotal)
      if (known && newTotal !== undefined && newTotal > 0 && newTotal !== total) {
        total = newTotal
        bar!.setTotal(total)
      }
      bar!.update(known ? Math.min(value, total) : 0, { done: show(value), all: show(total) })
    },
    stop () {
      if (stopped) return
      stopped = true
      bar?.stop()
    }
  }
}
