/** The shape of a benchmark and of its options, shared by run.ts and each benchmark. */
import { parseArgs } from 'node:util'
import { writeArtifact } from './results.js'

export interface OptionSpec {
  type: 'string' | 'boolean'
  default?: string
  help: string
}

export interface Context {
  /** results directory */
  out: string
  /** write <name>-<timestamp>.svg and <name>-latest.svg; returns the path */
  svg: (name: string, svg: string) => Promise<string>
  startedAt: Date
}

export interface Benchmark {
  name: string
  summary: string
  options: Record<string, OptionSpec>
  /** the returned value is the JSON result */
  run: (args: Args, ctx: Context) => Promise<unknown>
}

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export class Args {
  constructor (private readonly values: Record<string, string | boolean | undefined>, private readonly specs: Record<string, OptionSpec>) {}

  bool (name: string): boolean {
    return this.values[name] === true
  }

  has (name: string): boolean {
    return this.values[name] !== undefined
  }

  str (name: string): string {
    const v = this.values[name] ?? this.specs[name]?.default
    if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`)
    return v
  }

  num (name: string, min = -Infinity, max = Infinity): number {
    const raw = this.str(name)
    const v = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${raw}`)
    return v
  }

  list (name: string): string[] {
    return this.str(name).split(',').map(s => s.trim()).filter(s => s !== '')
  }

  nums (name: string, min = -Infinity, max = Infinity): number[] {
    return this.list(name).map(s => {
      const v = Number(s)
      if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name}: ${s} is not a number from ${min} to ${max}`)
      return v
    })
  }

  /** what was asked, defaults filled in, for the JSON */
  all (): Record<string, string | boolean> {
    const out: Record<string, string | boolean> = {}
    for (const [k, s] of Object.entries(this.specs)) {
      const v = this.values[k] ?? s.default
      if (v !== undefined) out[k] = v
    }
    return out
  }
}

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  out: { type: 'string', help: 'results directory (default bench/results)' },
  help: { type: 'boolean', help: 'show this help' }
}

export function parseOptions (argv: string[], specs: Record<string, OptionSpec>): Args {
  const all = { ...specs, ...COMMON_OPTIONS }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(all).map(([k, s]) => [k, { type: s.type }])),
      strict: true,
      allowPositionals: true
    })
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`)
    return new Args(values as Record<string, string | boolean | undefined>, all)
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError((err as Error).message)
  }
}

export function helpText (b: Benchmark): string {
  const all = { ...b.options, ...COMMON_OPTIONS }
  const rows = Object.entries(all).map(([k, s]) => [`--${k}${s.type === 'string' ? ' V' : ''}`, `${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}`])
  const w = Math.max(...rows.map(r => r[0].length))
  return [`npm run bench -- ${b.name} [options]`, `  ${b.summary}`, '', ...rows.map(([a, h]) => `  ${a.padEnd(w)}  ${h}`)].join('\n')
}

export function makeContext (out: string, startedAt: Date): Context {
  return { out, startedAt, svg: async (name, svg) => writeArtifact(out, name, 'svg', svg, startedAt) }
}
