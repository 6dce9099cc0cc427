/**
 * In-process metrics: counters and latency histograms keyed by name and
 * labels, rendered in the Prometheus text format by the daemon. Bounded: a
 * metric name accepts at most MAX_SERIES label sets.
 */
const MAX_SERIES = 256
/** Latency buckets in ms, upper bounds. */
const BUCKETS_MS = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

type Labels = Record<string, string>

interface HistogramSeries { buckets: number[], sum: number, count: number }

function seriesKey (labels: Labels): string {
  return Object.keys(labels).sort().map(k => `${k}="${labels[k].replace(/["\\\n]/g, '_')}"`).join(',')
}

export class MetricsRegistry {
  private readonly counters = new Map<string, Map<string, number>>()
  private readonly histograms = new Map<string, Map<string, HistogramSeries>>()
  private readonly help = new Map<string, string>()

  describe (name: string, help: string): void {
    this.help.set(name, help)
  }

  inc (name: string, labels: Labels = {}, by = 1): void {
    const series = this.series(this.counters, name)
    const key = seriesKey(labels)
    if (!series.has(key) && series.size >= MAX_SERIES) return
    series.set(key, (series.get(key) ?? 0) + by)
  }

  observe (name: string, labels: Labels, ms: number): void {
    const series = this.series(this.histograms, name)
    const key = seriesKey(labels)
    let h = series.get(key)
    if (h === undefined) {
      if (series.size >= MAX_SERIES) return
      h = { buckets: new Array(BUCKETS_MS.length).fill(0), sum: 0, count: 0 }
      series.set(key, h)
    }
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]) h.buckets[i]++
    h.sum += ms
    h.count++
  }

  counter (name: string, labels: Labels = {}): number {
    return this.counters.get(name)?.get(seriesKey(labels)) ?? 0
  }

  /** Prometheus text exposition format. */
  render (): string {
    const out: string[] = []
    for (const [name, series] of this.counters) {
      out.push(`# HELP ${name} ${this.help.get(name) ?? name}`, `# TYPE ${name} counter`)
      for (const [key, v] of series) out.push(`${name}${key === '' ? '' : `{${key}}`} ${v}`)
    }
    for (const [name, series] of this.histograms) {
      out.push(`# HELP ${name} ${this.help.get(name) ?? name}`, `# TYPE ${name} histogram`)
      for (const [key, h] of series) {
        const pre = key === '' ? '' : `${key},`
        BUCKETS_MS.forEach((b, i) => out.push(`${name}_bucket{${pre}le="${b}"} ${h.buckets[i]}`))
        out.push(`${name}_bucket{${pre}le="+Inf"} ${h.count}`)
        out.push(`${name}_sum${key === '' ? '' : `{${key}}`} ${h.sum}`, `${name}_count${key === '' ? '' : `{${key}}`} ${h.count}`)
      }
    }
    return out.join('\n') + '\n'
  }

  private series<T> (map: Map<string, Map<string, T>>, name: string): Map<string, T> {
    let s = map.get(name)
    if (s === undefined) { s = new Map(); map.set(name, s) }
    return s
  }
}
