/**
 * The API's bearer token for client verbs: `--api-token TOKEN`,
 * `--api-token-file FILE`, else $MESHKV_API_TOKEN. main() takes the options
 * out of argv before a verb parses the rest, so every client verb passes
 * the token without knowing of it; call() (client.ts) sends it.
 */
import { readFileSync } from 'node:fs'
import { UsageError } from './io.js'
import type { CliIo } from './io.js'

let current: string | undefined

/** The Authorization header for the daemon's API, when a token is known. */
export function authHeaders (): Record<string, string> {
  return current === undefined ? {} : { authorization: `Bearer ${current}` }
}

/** Take --api-token and --api-token-file out of `argv` (before any `--`), and remember the token. */
export function takeApiToken (argv: string[], io: CliIo): string[] {
  const end = argv.indexOf('--')
  const head = end < 0 ? argv : argv.slice(0, end)
  const tail = end < 0 ? [] : argv.slice(end)
  const rest: string[] = []
  let token: string | undefined
  let file: string | undefined
  for (let i = 0; i < head.length; i++) {
    const a = head[i]
    const m = /^--(api-token|api-token-file)(?:=(.*))?$/.exec(a)
    if (m === null) { rest.push(a); continue }
    const value = m[2] ?? head[++i]
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`)
    if (m[1] === 'api-token') token = value
    else file = value
  }
  if (token !== undefined && file !== undefined) throw new UsageError('give --api-token or --api-token-file, not both')
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').trim()
    } catch (err) {
      throw new UsageError(`--api-token-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
    }
  }
  const env = io.env.MESHKV_API_TOKEN
  current = token ?? (env !== undefined && env !== '' ? env.trim() : undefined)
  return [...rest, ...tail]
}
