/**
 * GET/PUT/DELETE /kv/:key. A single value comes back as raw bytes; siblings
 * as a 300 with every value, so a client that only knows "200 means the
 * value" can never mistake one sibling for the whole answer.
 */
import { traceOf } from './http-trace.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { InvalidArgumentError, InvalidContextError } from '../errors.js'
import { MAX_CONTEXT_CHARS } from '../constants.js'
import { WRITE_ID_BYTES } from '../store/record.js'
import type { PutResult } from '../coordinator/coordinator.js'
import { CONTEXT_HEADER, numberParams, readBody, sendError, sendJson, wantsJson } from './http-io.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'

/** Longest ?timeout= a client may ask for (ms); the server's socket timeout is above it. */
export const MAX_TIMEOUT_PARAM_MS = 120_000

export interface KvRequest {
  node: MeshNode
  key: string
  query: URLSearchParams
  req: IncomingMessage
  res: ServerResponse
  maxValueBytes: number
  /** the key's bucket (/buckets/:name/kv/:key); absent: the default bucket (/kv/:key) */
  bucket?: string
}

const b64 = (v: Uint8Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')

function contextHeader (context: string): Record<string, string> {
  return context === '' ? {} : { [CONTEXT_HEADER]: context }
}

function requestContext (req: IncomingMessage): string | undefined {
  const raw = req.headers[CONTEXT_HEADER]
  if (raw === undefined || raw === '') return undefined
  if (Array.isArray(raw)) throw new InvalidContextError(`header X-Meshkv-Context given ${raw.length} times`)
  if (raw.length > MAX_CONTEXT_CHARS) throw new InvalidContextError(`header X-Meshkv-Context is ${raw.length} characters, over ${MAX_CONTEXT_CHARS}`)
  return raw
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/**
 * The write id of a request that names one (`Idempotency-Key`): a client
 * that retries a write with the same header gets it applied once, through
 * any peer. Hashed, so any printable key up to 255 characters serves.
 */
function requestWriteId (req: IncomingMessage): Uint8Array | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER]
  if (raw === undefined) return undefined
  if (Array.isArray(raw)) throw new InvalidArgumentError(`header Idempotency-Key given ${raw.length} times`)
  if (!IDEMPOTENCY_KEY.test(raw)) throw new InvalidArgumentError('header Idempotency-Key must be 1 to 255 printable ASCII characters without spaces')
  return sha256(new TextEncoder().encode(`meshkv idempotency key\u0000${raw}`)).subarray(0, WRITE_ID_BYTES)
}

/** A write's reply: the stored siblings and the context that covers exactly them. */
function writeReply (out: PutResult): Record<string, unknown> {
  return { context: out.context, acked: out.acked, values: out.values.map(b64), deletes: out.deletes }
}

/**
 * `Prefer: return=minimal` (RFC 7240): the client wants no body, only the
 * context header. A write otherwise echoes every stored value, base64 in
 * JSON: for a 1 KB value, more bytes back than were sent.
 */
function wantsMinimal (req: IncomingMessage): boolean {
  const prefer = req.headers.prefer
  return typeof prefer === 'string' && /(^|[,;\s])return=minimal\b/i.test(prefer)
}

function sendWrite (req: IncomingMessage, res: ServerResponse, out: PutResult): void {
  if (wantsMinimal(req)) {
    res.writeHead(204, { ...contextHeader(out.context), 'preference-applied': 'return=minimal', 'x-meshkv-acked': String(out.acked.length), 'x-meshkv-siblings': String(out.values.length + out.deletes) })
    res.end()
    return
  }
  sendJson(res, 200, writeReply(out), contextHeader(out.context))
}

export async function getKv ({ node, key, query, req, res, bucket }: KvRequest): Promise<void> {
  const { r, timeout } = numberParams(query, { r: { min: 1, max: node.quorums.n }, timeout: { min: 1, max: MAX_TIMEOUT_PARAM_MS } })
  const got = await node.get(key, { r, timeoutMs: timeout, bucket, ...traceOf(req) })
  const headers = contextHeader(got.context)
  if (wantsJson(req)) {
    const { found, context, deletes, replicas } = got
    sendJson(res, found ? 200 : 404, { key, found, values: got.values.map(b64), context, deletes, replicas }, headers)
  } else if (!got.found) {
    sendError(res, 404, 'ERR_NOT_FOUND', `key not found: ${key}`, {}, headers)
  } else if (got.values.length > 1) {
    sendJson(res, 300, { key, siblings: got.values.map(b64), context: got.context, deletes: got.deletes }, headers)
  } else {
    const value = got.values[0]
    res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': value.byteLength })
    res.end(value)
  }
}

export async function putKv ({ node, key, query, req, res, maxValueBytes, bucket }: KvRequest): Promise<void> {
  const { w, timeout } = numberParams(query, { w: { min: 1, max: node.quorums.n }, timeout: { min: 1, max: MAX_TIMEOUT_PARAM_MS } })
  const context = requestContext(req)
  const writeId = requestWriteId(req)
  const value = await readBody(req, maxValueBytes)
  const out = await node.put(key, value, { w, context, timeoutMs: timeout, writeId, bucket, ...traceOf(req) })
  sendWrite(req, res, out)
}

export async function deleteKv ({ node, key, query, req, res, bucket }: KvRequest): Promise<void> {
  const { w, timeout } = numberParams(query, { w: { min: 1, max: node.quorums.n }, timeout: { min: 1, max: MAX_TIMEOUT_PARAM_MS } })
  const context = requestContext(req)
  const writeId = requestWriteId(req)
  const out = await node.delete(key, { w, context, timeoutMs: timeout, writeId, bucket, ...traceOf(req) })
  sendWrite(req, res, out)
}
