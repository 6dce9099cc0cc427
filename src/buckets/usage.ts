/**
 * Cluster-wide usage of buckets with quotas. Each peer counts, per bucket,
 * the live keys and value bytes of the keys for which it is the first
 * healthy replica (src/buckets/counter.ts) and publishes them as one record
 * per peer in the system bucket; every peer sums the latest record of each
 * member that is up. A key is then counted once, by whoever is first among
 * its healthy owners in that peer's view. Only the publishing peer writes
 * its record; siblings (a restart that wrote blind) resolve to the latest
 * `at`. Pure: no I/O.
 */

export interface Usage { keys: number, bytes: number }

export interface UsageRecord {
  /** when it was counted (ms since the epoch) */
  at: number
  buckets: Record<string, Usage>
}

/** Most buckets one usage record may name (a hostile peer's record is cut there). */
const MAX_USAGE_BUCKETS = 1024

function count (v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined
}

/** A peer's usage record; anything malformed reads as no usage, never throws. */
export function decodeUsage (bytes: Uint8Array): UsageRecord | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return undefined
  }
  const o = parsed as { at?: unknown, buckets?: unknown }
  if (typeof o?.at !== 'number' || !Number.isFinite(o.at) || typeof o.buckets !== 'object' || o.buckets === null) return undefined
  const buckets: Record<string, Usage> = {}
  for (const [name, u] of Object.entries(o.buckets).slice(0, MAX_USAGE_BUCKETS)) {
    const keys = count((u as Usage)?.keys)
    const b = count((u as Usage)?.bytes)
    if (keys !== undefined && b !== undefined) buckets[name] = { keys, bytes: b }
  }
  return { at: o.at, buckets }
}

export function encodeUsage (record: UsageRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record))
}

/** The sibling a peer's concurrent usage records resolve to: the latest count. */
export function latestUsage (siblings: Array<UsageRecord | undefined>): UsageRecord | undefined {
  let best: UsageRecord | undefined
  for (const s of siblings) if (s !== undefined && (best === undefined || s.at > best.at)) best = s
  return best
}

/** Per bucket, the sum over the peers' records. */
export function sumUsage (records: UsageRecord[]): Map<string, Usage> {
  const out = new Map<string, Usage>()
  for (const r of records) {
    for (const [name, u] of Object.entries(r.buckets)) {
      const had = out.get(name) ?? { keys: 0, bytes: 0 }
      out.set(name, { keys: had.keys + u.keys, bytes: had.bytes + u.bytes })
    }
  }
  return out
}
