/**
 * A bucket's properties (per-bucket N/R/W, quotas) and the catalog that
 * holds every bucket's: one JSON record in the system bucket, written with
 * the context of the read before it. Concurrent updates (two peers setting
 * properties at once) leave siblings; they resolve deterministically:
 * the union of the buckets named, and for a bucket named in several, the
 * entry with the latest `updated` (ties: the larger JSON text). Every peer
 * reading the same siblings picks the same catalog, and the next write
 * through any peer stores it. Pure: no I/O.
 */
import { InvalidBucketError } from '../errors.js'
import { DEFAULT_BUCKET, validateBucketName } from './encoding.js'

export interface BucketProps {
  name: string
  /** replicas of each key (1..cluster n); unset: the cluster's n */
  n?: number
  /** read quorum (1..n); unset: a majority of n, or the cluster's r when n is unset too */
  r?: number
  /** write quorum (1..n); unset like r */
  w?: number
  /** most live keys (deletes do not count) */
  maxKeys?: number
  /** most bytes of live values (siblings included) */
  maxBytes?: number
  /** when they were last set (ms since the epoch, never going back for one bucket): the later of concurrent updates wins */
  updated: number
}

/** The settable part, as a client sends it. */
export type BucketSettings = Omit<BucketProps, 'name' | 'updated'>

/** Most buckets a cluster holds: the catalog is one record and must fit in a value. */
export const MAX_BUCKETS = 1024
/** Largest quota a bucket may set (keys or bytes): 2^53 - 1 sums exactly. */
const MAX_QUOTA = Number.MAX_SAFE_INTEGER
const SETTINGS = ['n', 'r', 'w', 'maxKeys', 'maxBytes'] as const

function whole (what: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidBucketError(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)?.slice(0, 40)}`)
  }
  return v
}

/**
 * Settings from a client (an HTTP body, a CLI), checked against the
 * cluster's n: n within it, r and w within the bucket's n, quotas positive.
 */
export function validateSettings (raw: unknown, clusterN: number): BucketSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidBucketError('bucket properties must be a JSON object')
  for (const k of Object.keys(raw)) {
    if (!(SETTINGS as readonly string[]).includes(k)) throw new InvalidBucketError(`unknown bucket property ${JSON.stringify(k.slice(0, 40))}; known: ${SETTINGS.join(', ')}`)
  }
  const o = raw as Record<string, unknown>
  const n = whole('n', o.n, 1, clusterN)
  const max = n ?? clusterN
  const out: BucketSettings = {
    n,
    r: whole('r', o.r, 1, max),
    w: whole('w', o.w, 1, max),
    maxKeys: whole('maxKeys', o.maxKeys, 1, MAX_QUOTA),
    maxBytes: whole('maxBytes', o.maxBytes, 1, MAX_QUOTA)
  }
  for (const k of SETTINGS) if (out[k] === undefined) delete out[k]
  return out
}

/** One catalog entry from a peer's record: anything malformed is dropped, never thrown (a hostile peer may have written it). */
function entryFrom (name: string, raw: unknown): BucketProps | undefined {
  try {
    validateBucketName(name)
    if (name === DEFAULT_BUCKET) return undefined
    const { updated, ...rest } = raw as Record<string, unknown>
    if (typeof updated !== 'number' || !Number.isFinite(updated)) return undefined
    // the cluster's n is not known here: n is checked again where it is used
    return { name, ...validateSettings(rest, 64), updated }
  } catch {
    return undefined
  }
}

export type Catalog = Map<string, BucketProps>

/** A catalog record's value; unreadable ones are empty. */
export function decodeCatalog (bytes: Uint8Array): Catalog {
  const out: Catalog = new Map()
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return out
  }
  const buckets = (parsed as { buckets?: unknown })?.buckets
  if (typeof buckets !== 'object' || buckets === null) return out
  for (const [name, raw] of Object.entries(buckets).slice(0, MAX_BUCKETS)) {
    const entry = entryFrom(name, raw)
    if (entry !== undefined) out.set(name, entry)
  }
  return out
}

export function encodeCatalog (catalog: Catalog): Uint8Array {
  const buckets: Record<string, Omit<BucketProps, 'name'>> = {}
  for (const [name, { name: _, ...rest }] of [...catalog].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) buckets[name] = rest
  return new TextEncoder().encode(JSON.stringify({ buckets }))
}

function later (a: BucketProps, b: BucketProps): BucketProps {
  if (a.updated !== b.updated) return a.updated > b.updated ? a : b
  const ja = JSON.stringify(a)
  const jb = JSON.stringify(b)
  return ja >= jb ? a : b
}

/** The one catalog concurrent siblings stand for (the rule above). */
export function mergeCatalogs (siblings: Catalog[]): Catalog {
  const out: Catalog = new Map()
  for (const c of siblings) {
    for (const [name, entry] of c) {
      const had = out.get(name)
      out.set(name, had === undefined ? entry : later(had, entry))
    }
  }
  return out
}
