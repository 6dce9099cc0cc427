/**
 * /buckets: GET the list; GET and PUT /buckets/:name for a bucket's
 * properties (JSON: n, r, w, maxKeys, maxBytes; a PUT creates the bucket or
 * replaces its properties); /buckets/:name/kv/:key for its keys, as /kv/:key
 * is for the default bucket's.
 */
import { InvalidBucketError } from '../errors.js'
import { DEFAULT_MAX_VALUE_BYTES } from '../constants.js'
import { deleteKv, getKv, putKv } from './http-kv.js'
import { numberParams, readBody, sendError, sendJson } from './http-io.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'

export const BUCKETS = '/buckets'
/** A bucket's properties as JSON are small; more is not a properties object. */
const MAX_PROPS_BODY = 4096

export interface BucketRequest {
  node: MeshNode
  /** the path past /buckets: "", "/NAME" or "/NAME/kv/KEY" (raw, not yet decoded) */
  rest: string
  method: string
  query: URLSearchParams
  req: IncomingMessage
  res: ServerResponse
  /** answers 405 and false when `method` is not among these */
  only: (allowed: string[]) => boolean
  decodeKey: (raw: string) => string
}

function decodeName (raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new InvalidBucketError('bucket name is not valid percent-encoding')
  }
}

export async function routeBuckets ({ node, rest, method, query, req, res, only, decodeKey }: BucketRequest): Promise<void> {
  if (rest === '' || rest === '/') {
    if (!only(['GET'])) return
    numberParams(query, {})
    sendJson(res, 200, { buckets: await node.buckets() })
    return
  }
  const slash = rest.indexOf('/', 1)
  const name = decodeName(slash < 0 ? rest.slice(1) : rest.slice(1, slash))
  const tail = slash < 0 ? '' : rest.slice(slash)
  if (tail.startsWith('/kv/')) {
    if (!only(['GET', 'PUT', 'DELETE'])) return
    const maxValueBytes = node.options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES
    const kv = { node, key: decodeKey(tail.slice('/kv/'.length)), query, req, res, maxValueBytes, bucket: name }
    if (method === 'GET') await getKv(kv)
    else if (method === 'PUT') await putKv(kv)
    else await deleteKv(kv)
    return
  }
  if (tail !== '') return sendError(res, 404, 'ERR_NO_ROUTE', `no such route: ${method} /buckets/${name.slice(0, 64)}${tail.slice(0, 60)} (try /buckets/NAME or /buckets/NAME/kv/KEY)`)
  if (!only(['GET', 'PUT'])) return
  numberParams(query, {})
  if (method === 'GET') {
    sendJson(res, 200, await node.bucket(name))
    return
  }
  const body = await readBody(req, MAX_PROPS_BODY)
  let settings: unknown
  try {
    settings = body.byteLength === 0 ? {} : JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new InvalidBucketError('bucket properties must be a JSON object like {"n":3,"maxKeys":1000}')
  }
  sendJson(res, 200, await node.setBucket(name, settings))
}
