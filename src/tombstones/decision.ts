/**
 * Whether a tombstone may be collected: pure, so the whole rule is tested
 * without peers. A record is collected by a replica only when
 *
 * - every one of its siblings is a delete (no live value to lose),
 * - its newest delete is older than the grace period (hints and repairs of
 *   older writes still in flight have expired by then: docs/architecture.md,
 *   "Deletes and tombstone collection"), and
 * - every owner of the key answered, each with nothing or with a record that
 *   has seen the whole local tombstone (descends it) and holds no live value.
 *
 * An owner that did not answer, or answered with a value or an older or
 * concurrent version, blocks it: that replica may be the one that missed the
 * delete, and it must never be left alone with the old value.
 */
import { descends, join, values } from '../version/index.js'
import type { KvRecord } from '../store/record.js'

/** An owner's answer to the GET asked of it; `failed` when it did not answer. */
export type OwnerAnswer =
  | { peer: string, found: false }
  | { peer: string, found: true, record: KvRecord }
  | { peer: string, failed: string }

export type Verdict =
  | { collect: true }
  | { collect: false, reason: BlockReason, peer?: string }

/**
 * live: the local record holds a value; young: inside the grace period;
 * silent: an owner did not answer; stale: an owner has not seen the whole
 * tombstone; owner-live: an owner holds a value.
 */
export type BlockReason = 'live' | 'young' | 'silent' | 'stale' | 'owner-live'

/** Every sibling is a delete (and there is at least one). */
export function onlyTombstones (record: KvRecord): boolean {
  const all = values(record)
  return all.length > 0 && all.every(s => s.value === null)
}

/** The coordinator's wall clock of the record's newest sibling (ms). */
export function newestWrite (record: KvRecord): number {
  let newest = -Infinity
  for (const s of values(record)) newest = Math.max(newest, s.timestamp)
  return newest
}

/**
 * A record of deletes only whose newest delete is at least graceMs old.
 * Such a record and no record at all mean the same (the key was deleted and
 * may be collected), so a repair need not copy it to a replica that has none.
 */
export function expiredTombstone (record: KvRecord, nowMs: number, graceMs: number): boolean {
  return onlyTombstones(record) && nowMs - newestWrite(record) >= graceMs
}

/** The checks that need no owner: the local record alone. */
export function locallyCollectable (local: KvRecord, nowMs: number, graceMs: number): Verdict {
  if (!onlyTombstones(local)) return { collect: false, reason: 'live' }
  if (nowMs - newestWrite(local) < graceMs) return { collect: false, reason: 'young' }
  return { collect: true }
}

/** The whole rule: the local record and the answer of every other owner. */
export function decide (local: KvRecord, answers: OwnerAnswer[], nowMs: number, graceMs: number): Verdict {
  const own = locallyCollectable(local, nowMs, graceMs)
  if (!own.collect) return own
  const clock = join(local)
  for (const a of answers) {
    if ('failed' in a) return { collect: false, reason: 'silent', peer: a.peer }
    if (!a.found) continue
    if (values(a.record).some(s => s.value !== null)) return { collect: false, reason: 'owner-live', peer: a.peer }
    if (!descends(join(a.record), clock)) return { collect: false, reason: 'stale', peer: a.peer }
  }
  return { collect: true }
}
