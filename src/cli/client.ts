/**
 * The CLI's side of the HTTP API: global fetch with a deadline, and the
 * daemon's error replies turned into exit codes a script can act on.
 */
import { CliError, EXIT } from './io.js'
import { authHeaders } from './api-token.js'

/** How long a command waits for the daemon; above its own request deadline (5 s by default). */
export const CLIENT_TIMEOUT_MS = 30_000

export interface ApiErrorBody { error?: { code?: string, message?: string, detail?: unknown } }

export interface CallOptions {
  method?: string
  headers?: Record<string, string>
  body?: Uint8Array
  timeoutMs?: number
}

export interface Reply {
  status: number
  headers: Headers
  body: Uint8Array
}

/** One request; unreachable and silent daemons become CliErrors (exit 3 and 4). */
export async function call (api: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const timeoutMs = options.timeoutMs ?? CLIENT_TIMEOUT_MS
  try {
    const res = await fetch(api + path, {
      method: options.method ?? 'GET',
      headers: { ...authHeaders(), ...options.headers },
      body: options.body as Uint8Array<ArrayBuffer> | undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs)
    })
    return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) }
  } catch (err) {
    const e = err as Error
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      throw new CliError(EXIT.REFUSED, `no answer from the daemon at ${api} within ${timeoutMs / 1000} s`)
    }
    throw unreachable(api, err)
  }
}

/** The CliError (exit 3) for a request that found no daemon at `api`. */
export function unreachable (api: string, err: unknown): CliError {
  const e = err as Error & { cause?: { code?: string, message?: string } }
  const why = e.cause?.code ?? e.cause?.message ?? e.message
  return new CliError(EXIT.UNREACHABLE, `cannot reach the meshkv daemon at ${api} (${why}); is \`meshkv daemon\` running there? (set --api or MESHKV_API)`)
}

export function json<T> (reply: Reply): T | undefined {
  try {
    return JSON.parse(new TextDecoder().decode(reply.body)) as T
  } catch {
    return undefined
  }
}

/** The exit code of an error reply, by the daemon's error code and status. */
function exitOf (status: number, code: string | undefined): number {
  // a quota is the cluster refusing too: delete keys or raise the quota, then retry
  if (code === 'ERR_QUORUM_NOT_MET' || code === 'ERR_TIMEOUT' || code === 'ERR_QUOTA' || status === 503 || status === 504) return EXIT.REFUSED
  // the request itself was wrong (a key, a context, a quorum, a value too big): fix the command
  if (status === 400 || status === 413) return EXIT.USAGE
  return EXIT.FAILED
}

/** The CliError for a reply the verb did not expect. */
export function failure (api: string, reply: Reply): CliError {
  const body = json<ApiErrorBody>(reply)
  const code = body?.error?.code
  if (code === undefined) {
    return new CliError(EXIT.FAILED, `unexpected HTTP ${reply.status} from ${api}; is this a meshkv daemon?`)
  }
  let message = `${body?.error?.message ?? 'failed'} (${code})`
  if (code === 'ERR_NO_ROUTE' || code === 'ERR_METHOD_NOT_ALLOWED') message += `; is ${api} a meshkv daemon of this version?`
  if (code === 'ERR_UNAUTHORIZED') message += '; pass the daemon\'s apiToken with --api-token, --api-token-file or MESHKV_API_TOKEN'
  return new CliError(exitOf(reply.status, code), message)
}

/** The path of a key (in a bucket, when named): every character but unreserved ones escaped, "/" included. */
export function kvPath (key: string, query: Record<string, number | undefined> = {}, bucket?: string): string {
  const q = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`).join('&')
  const base = bucket === undefined ? '' : `/buckets/${encodeURIComponent(bucket)}`
  return `${base}/kv/${encodeURIComponent(key)}${q === '' ? '' : `?${q}`}`
}
