/**
 * The HTTP API's plumbing: bounded bodies, query parameters, JSON replies
 * and the mapping of typed errors to status codes. No routes here.
 */
import { InvalidArgumentError, OverloadedError, PayloadTooLargeError, QuorumNotMetError, QuotaExceededError, errorCode } from '../errors.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

export const CONTEXT_HEADER = 'x-meshkv-context'

/** Status of each error code a request can end with; anything else is a 500. */
const STATUS: Record<string, number> = {
  ERR_INVALID_KEY: 400,
  ERR_INVALID_ARGUMENT: 400,
  ERR_INVALID_CONTEXT: 400,
  ERR_PAYLOAD_TOO_LARGE: 413,
  // the key's record would not fit in a frame: resolve its siblings
  ERR_RECORD_TOO_LARGE: 413,
  ERR_TOO_MANY_SIBLINGS: 409,
  ERR_QUORUM_NOT_MET: 503,
  // only in the moment a shutting-down node still has a request in flight
  ERR_NOT_STARTED: 503,
  ERR_TIMEOUT: 504,
  ERR_UNAUTHORIZED: 401,
  // load alone is never a 5xx: the client is told when to come back (Retry-After)
  ERR_OVERLOADED: 429,
  ERR_INVALID_BUCKET: 400,
  ERR_NO_SUCH_BUCKET: 404,
  ERR_QUOTA: 403
}

export function statusOf (err: unknown): number {
  return STATUS[errorCode(err)] ?? 500
}

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body) + '\n'
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export function sendError (res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message, ...extra } }, headers)
}

/** The error reply of a failed request: its code, its message, and who answered for a quorum. */
export function sendFailure (res: ServerResponse, err: unknown): void {
  const extra = err instanceof QuorumNotMetError || err instanceof QuotaExceededError ? { detail: err.detail } : err instanceof OverloadedError ? { retryAfterSec: err.retryAfterSec } : {}
  const status = statusOf(err)
  const headers: Record<string, string> = status === 413 ? { connection: 'close' } : status === 401 ? { 'www-authenticate': 'Bearer realm="meshkv"' } : {}
  if (err instanceof OverloadedError) headers['retry-after'] = String(err.retryAfterSec)
  sendError(res, statusOf(err), errorCode(err), (err as Error)?.message ?? String(err), extra, headers)
}

/**
 * The request body, at most `limit` bytes. Past the limit it stops keeping
 * bytes at once and rejects with PayloadTooLarge; a declared length over the
 * limit is refused before a byte is read.
 */
export async function readBody (req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(declared, limit)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength
      if (size > limit) {
        cleanup()
        reject(new PayloadTooLargeError(size, limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => { cleanup(); resolve(Buffer.concat(chunks, size)) }
    const onError = (err: Error): void => { cleanup(); reject(err) }
    // a client that goes away mid-body must not leave this waiting for an end that never comes
    const onClose = (): void => { cleanup(); reject(new InvalidArgumentError('the request body was cut short')) }
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}

/**
 * Query parameters that must be whole numbers in a range. Unknown or repeated
 * parameters are errors too: `?R=2` silently ignored would be a quorum lowered.
 */
export function numberParams<K extends string> (query: URLSearchParams, allowed: Record<K, { min: number, max: number }>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {}
  const names = Object.keys(allowed) as K[]
  for (const name of new Set(query.keys())) {
    if (!names.includes(name as K)) {
      throw new InvalidArgumentError(`unknown query parameter "${name}"${names.length > 0 ? ` (expected ${names.join(', ')})` : ''}`)
    }
    const all = query.getAll(name)
    if (all.length > 1) throw new InvalidArgumentError(`query parameter ${name} given ${all.length} times`)
    const { min, max } = allowed[name as K]
    const raw = all[0]
    const v = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN
    if (!(v >= min && v <= max)) throw new InvalidArgumentError(`query parameter ${name} must be a whole number from ${min} to ${max}, got "${raw.slice(0, 40)}"`)
    out[name as K] = v
  }
  return out
}

/** True when the client asked for JSON (`Accept: application/json`). */
export function wantsJson (req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? ''
  return accept.split(',').some(t => t.split(';')[0].trim().toLowerCase() === 'application/json')
}
