/**
 * Argument parsing shared by the verbs, on node:util parseArgs: strict (an
 * unknown or repeated option is a usage error, with a "did you mean"), and
 * numbers and URLs checked here so the daemon never sees a typo.
 */
import { parseArgs } from 'node:util'
import { suggestion } from '../daemon/suggest.js'
import { UsageError } from './io.js'
import type { CliIo } from './io.js'

export const DEFAULT_API = 'http://127.0.0.1:7070'

export interface OptionSpec { type: 'string' | 'boolean', multiple?: boolean }
type Spec = Record<string, OptionSpec>

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

/** Options every client verb takes. */
export const CLIENT_OPTIONS: Spec = { api: { type: 'string' }, json: { type: 'boolean' } }

export function parse (argv: string[], spec: Spec): Parsed {
  const options: Record<string, OptionSpec & { short?: string }> = { ...spec, help: { type: 'boolean', short: 'h' } }
  let out
  try {
    out = parseArgs({ args: argv, options, strict: true, allowPositionals: true, tokens: true })
  } catch (err) {
    throw usageFrom(err as Error, Object.keys(options))
  }
  const counts = new Map<string, number>()
  for (const t of out.tokens ?? []) {
    if (t.kind !== 'option') continue
    counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    if (counts.get(t.name)! > 1 && options[t.name]?.multiple !== true) {
      throw new UsageError(`--${t.name} given more than once`)
    }
  }
  return { values: out.values as Parsed['values'], positionals: out.positionals }
}

function usageFrom (err: Error, names: string[]): UsageError {
  const code = (err as { code?: string }).code ?? ''
  const option = /'(-{1,2}[^'\s=]+)/.exec(err.message)?.[1]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const name = option.replace(/^-+/, '')
    return new UsageError(`unknown option ${option}${suggestion(name, names).replace(/"([^"]+)"/, '"--$1"')}`)
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    if (err.message.includes('does not take')) return new UsageError(`${option} does not take a value`)
    if (err.message.includes('ambiguous')) return new UsageError(`${option} needs a value (one starting with "-" is written ${option}=-VALUE)`)
    return new UsageError(`${option} needs a value`)
  }
  return new UsageError(err.message.split('\n')[0])
}

/** A whole number flag (quorums): 1..64, as typed; the daemon checks it against n. */
export function wholeNumber (name: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined
  const v = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN
  if (!(v >= 1 && v <= 64)) throw new UsageError(`--${name} must be a whole number of at least 1, got "${String(raw)}"`)
  return v
}

/** The API base URL: --api, else $MESHKV_API, else the default local daemon. A bare HOST:PORT means http. */
export function apiUrl (raw: unknown, io: CliIo): string {
  const [from, value] = typeof raw === 'string' ? ['--api', raw] : io.env.MESHKV_API !== undefined && io.env.MESHKV_API !== '' ? ['MESHKV_API', io.env.MESHKV_API] : ['', DEFAULT_API]
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new UsageError(`${from} must be a URL like http://127.0.0.1:7070, got "${value}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${from} must be an http:// or https:// URL, got "${value}"`)
  if (url.search !== '' || url.hash !== '') throw new UsageError(`${from} must not have a query or fragment, got "${value}"`)
  return url.toString().replace(/\/+$/, '')
}

/** Exactly the positionals a verb takes: `required` names, then up to `optional` more. */
export function positionals (parsed: Parsed, required: string[], optional: string[] = []): string[] {
  const got = parsed.positionals
  if (got.length < required.length) throw new UsageError(`missing ${required.slice(got.length).join(' ')}`)
  if (got.length > required.length + optional.length) {
    throw new UsageError(`too many arguments: ${got.slice(required.length + optional.length).map(a => JSON.stringify(a)).join(' ')}`)
  }
  return got
}
