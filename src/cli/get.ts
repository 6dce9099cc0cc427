/**
 * `meshkv get KEY`: the bare value on stdout, byte for byte, so
 * `meshkv get k > file` round-trips; siblings each followed by a newline,
 * with the context that resolves them on stderr.
 */
import { apiUrl, CLIENT_OPTIONS, parse, positionals, wholeNumber } from './args.js'
import { call, failure, json, kvPath } from './client.js'
import { EXIT, UsageError } from './io.js'
import type { CliIo } from './io.js'

interface Siblings { siblings: string[], context: string }

export async function get (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { ...CLIENT_OPTIONS, r: { type: 'string' }, bucket: { type: 'string' } })
  const [key] = positionals(parsed, ['KEY'])
  if (key === '') throw new UsageError('KEY must not be empty')
  const r = wholeNumber('r', parsed.values.r)
  const api = apiUrl(parsed.values.api, io)
  const asJson = parsed.values.json === true
  const bucket = parsed.values.bucket as string | undefined
  const reply = await call(api, kvPath(key, { r }, bucket), { headers: asJson ? { accept: 'application/json' } : {} })
  const notFound = reply.status === 404 ? json<{ found?: boolean, error?: { code?: string } }>(reply) : undefined
  // a 404 from a route that does not exist is not a missing key
  if (notFound?.found === false || notFound?.error?.code === 'ERR_NOT_FOUND') {
    if (asJson) io.stdout.write(reply.body)
    io.stderr.write(`meshkv get: key not found: ${bucket === undefined ? '' : `${bucket}/`}${key}\n`)
    return EXIT.NOT_FOUND
  }
  if (reply.status === 200) {
    io.stdout.write(reply.body)
    return EXIT.OK
  }
  const siblings = reply.status === 300 ? json<Siblings>(reply) : undefined
  if (siblings === undefined) throw failure(api, reply)
  for (const s of siblings.siblings) {
    io.stdout.write(Buffer.from(s, 'base64'))
    io.stdout.write('\n')
  }
  io.stderr.write(`${siblings.siblings.length} siblings; write with --context ${siblings.context} to resolve\n`)
  return EXIT.OK
}
