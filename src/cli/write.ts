/**
 * A write, shared by `put` and `del`: with the context of what the writer
 * saw (none: a blind write, kept beside what is stored). Both print the new
 * context, for a next write without a read.
 */
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
async function currentContext (api: string, key: string): Promise<string | undefined> {
  const reply = await call(api, kvPath(key), { headers: { accept: 'application/json' } })
  const body = reply.status === 200 || reply.status === 404 ? json<{ context?: unknown }>(reply) : undefined
  if (body === undefined) throw failure(api, reply)
  return typeof body.context === 'string' ? body.context : undefined
}

const WRITE_OPTIONS = { ...CLIENT_OPTIONS, w: { type: 'string' as const }, context: { type: 'string' as const } }

export async function write (method: 'PUT' | 'DELETE', argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, WRITE_OPTIONS)
  const [key, arg] = method === 'PUT' ? positionals(parsed, ['KEY'], ['VALUE']) : positionals(parsed, ['KEY'])
  if (key === '') throw new UsageError('KEY must not be empty')
  const w = wholeNumber('w', parsed.values.w)
  const api = apiUrl(parsed.values.api, io)
  let context = parsed.values.context as string | undefined
  if (method === 'DELETE' && context === undefined) context = await currentContext(api, key)
  let body: Uint8Array | undefined
  if (method === 'PUT') {
    // a peer refuses values over its maxValueBytes (413); this bound only keeps a runaway pipe out of memory
    body = arg !== undefined ? new TextEncoder().encode(arg) : await readStdin(io, MAX_VALUE_BYTES_CAP)
  }
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
  if (context !== undefined && context !== '') headers['x-meshkv-context'] = context
  const reply = await call(api, kvPath(key, { w }), { method, headers, body })
  const out = reply.status === 200 ? json<{ context: string }>(reply) : undefined
  if (out === undefined) throw failure(api, reply)
  io.stdout.write(parsed.values.json === true ? reply.body : `${out.context}\n`)
  return EXIT.OK
}
