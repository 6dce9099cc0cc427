/**
 * Where a node writes its structured lines about client requests (the
 * daemon's JSON log; nothing when absent). Every line about a request
 * carries its id as `req`, on every peer that handles it.
 */
export type RequestLogFields = Record<string, unknown>

export interface RequestLog {
  /** the least severe level written; debug lines are not even built below it */
  readonly level?: string
  debug: (msg: string, fields?: RequestLogFields) => void
}

/** Longest key written into a log line (keys may be up to the key bound). */
export const LOGGED_KEY_CHARS = 200

/** `log` when it writes debug lines, else undefined: callers skip building fields. */
export function debugLog (log: RequestLog | undefined): RequestLog | undefined {
  return log === undefined || (log.level !== undefined && log.level !== 'debug') ? undefined : log
}
