/**
 * `meshkv bucket create NAME [--n N --r R --w W] [--max-keys K] [--max-bytes B]`,
 * `meshkv bucket list`, `meshkv bucket show NAME`: a table for people, the
 * API's JSON with --json. `create` on an existing bucket sets its
 * properties anew (those not given go back to the cluster's, or none).
 */
import { apiUrl, CLIENT_OPTIONS, parse, positionals, wholeNumber } from './args.js'
import { call, failure, json } from './client.js'
import { EXIT, UsageError } from './io.js'
import type { CliIo } from './io.js'
import type { BucketInfo } from '../buckets/bucket-kv.js'

const SUBCOMMANDS = ['create', 'list', 'show'] as const

/** A quota flag: a whole number of at least 1. */
function quota (name: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined
  const v = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN
  if (!(v >= 1 && Number.isSafeInteger(v))) throw new UsageError(`--${name} must be a whole number of at least 1, got "${String(raw)}"`)
  return v
}

function used (b: BucketInfo, which: 'keys' | 'bytes'): string {
  const limit = which === 'keys' ? b.maxKeys : b.maxBytes
  return limit === undefined ? '-' : `${b.usage[which]}/${limit}`
}

/** Rows padded to their columns' widths. */
export function table (rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join('  ')).join('\n') + '\n'
}

export function formatBuckets (buckets: BucketInfo[]): string {
  return table([['BUCKET', 'N', 'R', 'W', 'KEYS', 'BYTES'], ...buckets.map(b => [b.name, String(b.n), String(b.r), String(b.w), used(b, 'keys'), used(b, 'bytes')])])
}

export function formatBucket (b: BucketInfo): string {
  const rows = [
    ['bucket', b.name],
    ['quorums', `n=${b.n} r=${b.r} w=${b.w}`],
    ['max-keys', b.maxKeys === undefined ? 'none' : `${b.maxKeys} (${b.usage.keys} used)`],
    ['max-bytes', b.maxBytes === undefined ? 'none' : `${b.maxBytes} (${b.usage.bytes} used)`],
    ['updated', b.updated === 0 ? '-' : new Date(b.updated).toISOString()]
  ]
  return table(rows)
}

export async function bucket (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, {
    ...CLIENT_OPTIONS,
    n: { type: 'string' },
    r: { type: 'string' },
    w: { type: 'string' },
    'max-keys': { type: 'string' },
    'max-bytes': { type: 'string' }
  })
  const sub = parsed.positionals[0]
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(sub === undefined ? 'missing a subcommand: create, list or show' : `unknown subcommand "${sub}": create, list or show`)
  const rest = { ...parsed, positionals: parsed.positionals.slice(1) }
  const settingFlags = ['n', 'r', 'w', 'max-keys', 'max-bytes'].filter(k => parsed.values[k] !== undefined)
  if (sub !== 'create' && settingFlags.length > 0) throw new UsageError(`--${settingFlags[0]} is only for bucket create`)
  const api = apiUrl(parsed.values.api, io)
  const asJson = parsed.values.json === true
  if (sub === 'list') {
    positionals(rest, [])
    const reply = await call(api, '/buckets')
    const body = reply.status === 200 ? json<{ buckets: BucketInfo[] }>(reply) : undefined
    if (body === undefined) throw failure(api, reply)
    io.stdout.write(asJson ? reply.body : formatBuckets(body.buckets))
    return EXIT.OK
  }
  const [name] = positionals(rest, ['NAME'])
  const path = `/buckets/${encodeURIComponent(name)}`
  let reply
  if (sub === 'show') {
    reply = await call(api, path)
  } else {
    const settings = {
      n: wholeNumber('n', parsed.values.n),
      r: wholeNumber('r', parsed.values.r),
      w: wholeNumber('w', parsed.values.w),
      maxKeys: quota('max-keys', parsed.values['max-keys']),
      maxBytes: quota('max-bytes', parsed.values['max-bytes'])
    }
    reply = await call(api, path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify(settings)) })
  }
  const info = reply.status === 200 ? json<BucketInfo>(reply) : undefined
  if (info === undefined) throw failure(api, reply)
  io.stdout.write(asJson ? reply.body : formatBucket(info))
  return EXIT.OK
}
