/**
 * A write, shared by `put` and `del`: with the context of what the writer
 * saw (none: a blind write, kept beside what is stored). Both print the new
 * context, for a next write without a read.
 */
import { randomUUID } from 'node:crypto'
import { MAX_VALUE_BYTES_CAP } from '../daemon/config-keys.js'
import { apiUrl, CLIENT_OPTIONS, parse, positionals, wholeNumber } from './args.js'
import { call, failure, json, kvPath } from './client.js'
import { EXIT, readStdin, UsageError } from './io.js'
import type { CliIo } from './io.js'

/**
 * `del KEY` without --context deletes what is there now: a blind tombstone
 * would only be a sibling of the value, and the key would still read as
 * found. Writes the read did not see survive, as with any context.
 */
async function currentContext (api: string, key: string, bucket: string | undefined): Promise<string | undefined> {
  const reply = await call(api, kvPath(key, {}, bucket), { headers: { accept: 'application/json' } })
  const body = reply.status === 200 || reply.status === 404 ? json<{ context?: unknown }>(reply) : undefined
  if (body === undefined) throw failure(api, reply)
  return typeof body.context === 'string' ? body.context : undefined
}

const WRITE_OPTIONS = { ...CLIENT_OPTIONS, w: { type: 'string' as const }, context: { type: 'string' as const }, 'idempotency-key': { type: 'string' as const }, bucket: { type: 'string' as const } }

export async function write (method: 'PUT' | 'DELETE', argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, WRITE_OPTIONS)
  const [key, arg] = method === 'PUT' ? positionals(parsed, ['KEY'], ['VALUE']) : positionals(parsed, ['KEY'])
  if (key === '') throw new UsageError('KEY must not be empty')
  const w = wholeNumber('w', parsed.values.w)
  const api = apiUrl(parsed.values.api, io)
  const bucket = parsed.values.bucket as string | undefined
  let context = parsed.values.context as string | undefined
  if (method === 'DELETE' && context === undefined) context = await currentContext(api, key, bucket)
  let body: Uint8Array | undefined
  if (method === 'PUT') {
    // a peer refuses values over its maxValueBytes (413); this bound only keeps a runaway pipe out of memory
    body = arg !== undefined ? new TextEncoder().encode(arg) : await readStdin(io, MAX_VALUE_BYTES_CAP)
  }
  // one id per command: retries of this request (by fetch, a proxy, or a
  // rerun with --idempotency-key) are applied once
  const idempotencyKey = (parsed.values['idempotency-key'] as string | undefined) ?? randomUUID()
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'idempotency-key': idempotencyKey }
  if (context !== undefined && context !== '') headers['x-meshkv-context'] = context
  const reply = await call(api, kvPath(key, { w }, bucket), { method, headers, body })
  const out = reply.status === 200 ? json<{ context: string, values?: string[] }>(reply) : undefined
  if (out === undefined) throw failure(api, reply)
  if (parsed.values.json === true) {
    io.stdout.write(reply.body)
    return EXIT.OK
  }
  io.stdout.write(`${out.context}\n`)
  // the context covers every stored sibling, so show the ones besides this write
  const values = out.values ?? []
  const others = method === 'PUT' ? values.length - 1 : values.length
  if (others > 0) {
    io.stderr.write(`meshkv ${method === 'PUT' ? 'put' : 'del'}: ${key} now has ${values.length} sibling${values.length === 1 ? '' : 's'} (concurrent writes); the context printed covers all of them:\n`)
    for (const v of values) io.stderr.write(`${Buffer.from(v, 'base64').toString('utf8')}\n`)
  }
  return EXIT.OK
}
