/**
 * In-process metrics: counters and latency histograms keyed by name and
 * labels, and gauges read at scrape time, rendered in the Prometheus text
 * format by the daemon. Bounded: a metric name accepts at most MAX_SERIES
 * label sets. The hot path (inc, observe) is a map lookup and a few adds.
 */
const MAX_SERIES = 256
/** Latency buckets in ms, upper bounds. */
const BUCKETS_MS = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
/** characters a label value may not hold raw; replaced, so a series key is valid exposition as is */
const UNSAFE = /["\\\n]/
const UNSAFE_ALL = /["\\\n]/g

type Labels = Record<string, string>

/** One gauge series: its labels and its value now. */
export type GaugeSample = [labels: Labels, value: number]

interface HistogramSeries { buckets: number[], sum: number, count: number }

interface Gauge { help: string, collect: () => Iterable<GaugeSample>, type: 'gauge' | 'counter' }

function seriesKey (labels: Labels): string {
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  // by insertion: a metric has a label or two, and Array.prototype.sort
  // allocates a work array on every call (this runs for every request)
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]
    let j = i - 1
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j]
      j--
    }
    keys[j + 1] = k
  }
  let out = ''
  for (const k of keys) {
    const v = labels[k]
    out += `${out === '' ? '' : ','}${k}="${UNSAFE.test(v) ? v.replace(UNSAFE_ALL, '_') : v}"`
  }
  return out
}

/** A sample value as the exposition format spells it (JS would write "Infinity"). */
function value (v: number): string {
  if (Number.isFinite(v)) return String(v)
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'
}

function escapeHelp (help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

export class MetricsRegistry {
  private readonly counters = new Map<string, Map<string, number>>()
  private readonly histograms = new Map<string, Map<string, HistogramSeries>>()
  private readonly gauges = new Map<string, Gauge>()
  private readonly beforeScrape = new Set<() => Promise<void>>()
  private readonly help = new Map<string, string>()
  private readonly listeners = new Map<string, Set<(labels: Labels, ms: number) => void>>()

  describe (name: string, help: string): void {
    this.help.set(name, help)
  }

  inc (name: string, labels: Labels = {}, by = 1): void {
    const series = this.series(this.counters, name)
    const key = seriesKey(labels)
    const now = series.get(key)
    if (now === undefined && series.size >= MAX_SERIES) return
    series.set(key, (now ?? 0) + by)
  }

  observe (name: string, labels: Labels, ms: number): void {
    const listening = this.listeners.get(name)
    if (listening !== undefined) for (const f of listening) f(labels, ms)
    const series = this.series(this.histograms, name)
    const key = seriesKey(labels)
    let h = series.get(key)
    if (h === undefined) {
      if (series.size >= MAX_SERIES) return
      h = { buckets: new Array(BUCKETS_MS.length).fill(0), sum: 0, count: 0 }
      series.set(key, h)
    }
    // buckets are stored non-cumulative (one increment); render sums them
    let i = 0
    while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]) i++
    if (i < BUCKETS_MS.length) h.buckets[i]++
    h.sum += ms
    h.count++
  }

  /**
   * A gauge whose series are read by `collect` at each scrape (a queue's
   * length, members by state). Registering a name again replaces its collector.
   */
  gauge (name: string, help: string, collect: () => Iterable<GaugeSample>): void {
    this.gauges.set(name, { help, collect, type: 'gauge' })
  }

  /**
   * A counter kept by its owner as plain numbers and read by `collect` at
   * each scrape: for a path too hot for inc()'s label handling (a store
   * read). Values must only grow.
   */
  counterFrom (name: string, help: string, collect: () => Iterable<GaugeSample>): void {
    this.gauges.set(name, { help, collect, type: 'counter' })
  }

  /** Told of every observation of histogram `name` (load shedding follows meshkv_client_ms); returns its removal. */
  onObserve (name: string, listener: (labels: Labels, ms: number) => void): () => void {
    let set = this.listeners.get(name)
    if (set === undefined) { set = new Set(); this.listeners.set(name, set) }
    set.add(listener)
    return () => { set.delete(listener) }
  }

  /** Work to do before each scrape (refreshing a value that is costly or asynchronous to read); returns its removal. */
  onScrape (refresh: () => Promise<void>): () => void {
    this.beforeScrape.add(refresh)
    return () => { this.beforeScrape.delete(refresh) }
  }

  counter (name: string, labels: Labels = {}): number {
    return this.counters.get(name)?.get(seriesKey(labels)) ?? 0
  }

  /** Run the scrape hooks (each bounded by the caller's patience: a failure only leaves its old value), then render. */
  async scrape (): Promise<string> {
    await Promise.allSettled([...this.beforeScrape].map(async f => { await f() }))
    return this.render()
  }

  /**
   * Prometheus text exposition format: HELP and TYPE once per family, a
   * name used by two kinds of metric rendered once (the first), names that
   * are not valid Prometheus names left out.
   */
  render (): string {
    const out: string[] = []
    const seen = new Set<string>()
    const family = (name: string, type: string, help?: string): boolean => {
      if (seen.has(name) || !NAME.test(name)) return false
      seen.add(name)
      out.push(`# HELP ${name} ${escapeHelp(help ?? this.help.get(name) ?? name)}`, `# TYPE ${name} ${type}`)
      return true
    }
    for (const [name, series] of this.counters) {
      if (!family(name, 'counter')) continue
      for (const [key, v] of series) out.push(`${name}${key === '' ? '' : `{${key}}`} ${value(v)}`)
    }
    for (const [name, series] of this.histograms) {
      if (!family(name, 'histogram')) continue
      for (const [key, h] of series) {
        const pre = key === '' ? '' : `${key},`
        let cumulative = 0
        BUCKETS_MS.forEach((b, i) => { cumulative += h.buckets[i]; out.push(`${name}_bucket{${pre}le="${b}"} ${cumulative}`) })
        out.push(`${name}_bucket{${pre}le="+Inf"} ${h.count}`)
        out.push(`${name}_sum${key === '' ? '' : `{${key}}`} ${value(h.sum)}`, `${name}_count${key === '' ? '' : `{${key}}`} ${h.count}`)
      }
    }
    for (const [name, g] of this.gauges) {
      let samples: GaugeSample[]
      try {
        samples = [...g.collect()]
      } catch {
        continue // a source that cannot be read now (a node stopping) leaves its gauge out of this scrape
      }
      if (!family(name, g.type, g.help)) continue
      const keys = new Set<string>()
      for (const [labels, v] of samples.slice(0, MAX_SERIES)) {
        const key = seriesKey(labels)
        if (keys.has(key)) continue
        keys.add(key)
        out.push(`${name}${key === '' ? '' : `{${key}}`} ${value(v)}`)
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
