/**
 * Structured logs: one JSON object per line on stderr, so both people (with
 * jq) and log shippers can read them. Levels below the configured one are
 * dropped before anything is formatted.
 */
import type { LogLevel } from './config-keys.js'

export type LogFields = Record<string, unknown>

export interface Log {
  readonly level: LogLevel
  debug: (msg: string, fields?: LogFields) => void
  info: (msg: string, fields?: LogFields) => void
  warn: (msg: string, fields?: LogFields) => void
  error: (msg: string, fields?: LogFields) => void
}

export interface LogSink { write: (line: string) => unknown }

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }
const RESERVED = new Set(['t', 'level', 'msg'])

function replacer (_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Error) {
    const code = (v as { code?: unknown }).code
    return code === undefined ? { name: v.name, message: v.message } : { name: v.name, code, message: v.message }
  }
  if (v instanceof Uint8Array) return `<${v.byteLength} bytes>`
  return v
}

export function format (level: LogLevel, msg: string, fields: LogFields = {}, now = new Date()): string {
  const entry: LogFields = { t: now.toISOString(), level, msg }
  for (const [k, v] of Object.entries(fields)) entry[RESERVED.has(k) ? `field_${k}` : k] = v
  try {
    return JSON.stringify(entry, replacer) + '\n'
  } catch (err) {
    // a circular field must not lose the line itself
    return JSON.stringify({ t: entry.t, level, msg, logError: (err as Error).message }) + '\n'
  }
}

export function createLog (level: LogLevel = 'info', sink: LogSink = process.stderr): Log {
  const min = RANK[level]
  const at = (l: LogLevel) => (msg: string, fields?: LogFields): void => {
    if (RANK[l] >= min) sink.write(format(l, msg, fields))
  }
  return { level, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
