/**
 * Hints: "this peer holds key K for owner O, who was down when it was
 * written" (Dynamo's hinted handoff). The record itself is in the record
 * store (so this peer can answer reads for it); a hint only names the owner
 * and the key, under its own prefix of the node's datastore,
 * `/h/<base64url(owner)>/<base64url(key)>`, valued with when it was first
 * made (wall-clock ms, so its age survives a restart).
 *
 * Durable (written before the write it stands for is acknowledged), bounded
 * in count (`maxHints`: past it a new hint is refused, so the coordinator
 * tries the next stand-in) and in age (`maxAgeMs`: older hints are dropped
 * by `expire`; a key left with no hint is handed to the delivery as an
 * orphan, which hands the copy to the key's owners and drops it where this
 * peer is no owner: kept, a later handover could push an old value to
 * owners that collected its delete since). An index
 * in memory, loaded at open, answers "how many for whom" without a scan.
 */
import { fromString, toString } from 'uint8arrays'
import { HintRefusedError } from '../errors.js'
import type { Level } from 'level'
import type { MetricsRegistry } from '../metrics.js'

export const HINT_PREFIX = '/h/'

export interface HintStoreInit {
  /** the node's LevelDB (RecordStore.raw.db) */
  db: Level<string, Uint8Array>
  maxHints: number
  maxAgeMs: number
  /** fsync each hint, as the record store does its records */
  fsync?: boolean
  /** wall clock (ms); tests pass their own */
  now?: () => number
  metrics?: MetricsRegistry
}

interface Entry { created: number, stamp: number }

const b64 = (s: string): string => toString(fromString(s, 'utf8'), 'base64url')
const unb64 = (s: string): string => toString(fromString(s, 'base64url'), 'utf8')

function hintKey (owner: string, key: string): string {
  return `${HINT_PREFIX}${b64(owner)}/${b64(key)}`
}

export class HintStore {
  /** owner -> key -> entry */
  private readonly index = new Map<string, Map<string, Entry>>()
  private count = 0
  /** keys whose last hint expired undelivered, with when that hint was made, for the delivery (bounded by maxHints) */
  private readonly orphans = new Map<string, number>()
  private stamps = 0
  /**
   * At most the creation of the oldest hint held: expire walks the hints
   * only when this is past the age bound. A full store asks expire at every
   * refused hint, and a walk of 100,000 hints blocked the loop ~1 ms.
   */
  private oldest = Infinity
  private readonly now: () => number

  constructor (private readonly init: HintStoreInit) {
    this.now = init.now ?? Date.now
    init.metrics?.describe('meshkv_hints_stored_total', 'hints taken for owners that were down')
    init.metrics?.describe('meshkv_hints_dropped_total', 'hints dropped undelivered (age) or refused past maxHints (full)')
  }

  /** Load the index from disk (hints survive a restart). Malformed entries are deleted. */
  async open (): Promise<void> {
    const bad: string[] = []
    for await (const [k, v] of this.init.db.iterator({ gte: HINT_PREFIX, lt: HINT_PREFIX.slice(0, -1) + '0' })) {
      const parts = k.slice(HINT_PREFIX.length).split('/')
      const created = v.byteLength === 8 ? new DataView(v.buffer, v.byteOffset, 8).getFloat64(0) : NaN
      if (parts.length !== 2 || !Number.isFinite(created)) { bad.push(k); continue }
      try {
        this.remember(unb64(parts[0]), unb64(parts[1]), created)
      } catch {
        bad.push(k)
      }
    }
    for (const k of bad) await this.init.db.del(k)
  }

  get pending (): number {
    return this.count
  }

  byOwner (): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [owner, keys] of this.index) out[owner] = keys.size
    return out
  }

  owners (): string[] {
    return [...this.index.keys()]
  }

  /** this owner's hinted keys with their stamps, at most `limit` */
  keysFor (owner: string, limit = Infinity): Array<{ key: string, stamp: number }> {
    const out: Array<{ key: string, stamp: number }> = []
    for (const [key, e] of this.index.get(owner) ?? []) {
      if (out.length >= limit) break
      out.push({ key, stamp: e.stamp })
    }
    return out
  }

  has (owner: string, key: string): boolean {
    return this.index.get(owner)?.has(key) === true
  }

  /** whether this peer holds key for any owner */
  heldForAny (key: string): boolean {
    for (const keys of this.index.values()) if (keys.has(key)) return true
    return false
  }

  /**
   * Remember (durably) that key is held for owner. A hint already there
   * keeps its age and gets a new stamp (delivery under way will not delete
   * it). Past the bound, expired hints go first; then HintRefusedError.
   */
  async add (owner: string, key: string): Promise<void> {
    const existing = this.index.get(owner)?.get(key)
    if (existing !== undefined) { existing.stamp = ++this.stamps; return }
    if (this.count >= this.init.maxHints) await this.expire()
    if (this.count >= this.init.maxHints) {
      this.init.metrics?.inc('meshkv_hints_dropped_total', { reason: 'full' })
      throw new HintRefusedError(`this peer holds ${this.count} hints, its bound (maxHints): it takes no more until the owners are back`)
    }
    const created = this.now()
    // in the index first, so the bound holds for hints being written at once
    this.remember(owner, key, created)
    const value = new Uint8Array(8)
    new DataView(value.buffer).setFloat64(0, created)
    try {
      await this.init.db.put(hintKey(owner, key), value, { sync: this.init.fsync === true })
    } catch (err) {
      this.forget(owner, key)
      throw err
    }
    this.init.metrics?.inc('meshkv_hints_stored_total')
  }

  /** A write for a hinted key was stored: a delivery that read the record before it must not delete the hint. */
  touch (owner: string, key: string): void {
    const e = this.index.get(owner)?.get(key)
    if (e !== undefined) e.stamp = ++this.stamps
  }

  /** Delete a hint; with `stamp`, only if it was not touched since. True when deleted. */
  async delete (owner: string, key: string, stamp?: number): Promise<boolean> {
    const e = this.index.get(owner)?.get(key)
    if (e === undefined || (stamp !== undefined && e.stamp !== stamp)) return false
    this.forget(owner, key)
    await this.init.db.del(hintKey(owner, key), { sync: this.init.fsync === true })
    return true
  }

  /** Drop hints older than maxAgeMs; returns how many. */
  async expire (): Promise<number> {
    const cutoff = this.now() - this.init.maxAgeMs
    if (this.oldest >= cutoff) return 0
    const old: Array<[string, string]> = []
    let kept = Infinity
    for (const [owner, keys] of this.index) {
      for (const [key, e] of keys) {
        if (e.created < cutoff) old.push([owner, key])
        else if (e.created < kept) kept = e.created
      }
    }
    // hints remembered while the old ones are deleted lower it again
    this.oldest = kept
    try {
      for (const [owner, key] of old) {
        const created = this.index.get(owner)?.get(key)?.created ?? 0
        await this.delete(owner, key)
        if (!this.heldForAny(key)) this.orphan(key, created)
      }
    } catch (err) {
      // some old hints may be left: the next call walks again
      this.oldest = -Infinity
      throw err
    }
    if (old.length > 0) this.init.metrics?.inc('meshkv_hints_dropped_total', { reason: 'age' }, old.length)
    return old.length
  }

  /** The keys whose last hint expired since the last call, with that hint's creation (wall ms). */
  takeOrphans (): Array<{ key: string, created: number }> {
    const out = [...this.orphans].map(([key, created]) => ({ key, created }))
    this.orphans.clear()
    return out
  }

  /** An orphan whose copy was not handed over yet: tried again at the next call. */
  orphan (key: string, created: number): void {
    if (this.orphans.has(key) || this.orphans.size < this.init.maxHints) this.orphans.set(key, Math.max(created, this.orphans.get(key) ?? 0))
  }

  /** wall-clock ms of this store (tests pass their own) */
  clock (): number {
    return this.now()
  }

  private remember (owner: string, key: string, created: number): void {
    let keys = this.index.get(owner)
    if (keys === undefined) this.index.set(owner, keys = new Map())
    if (!keys.has(key)) this.count++
    keys.set(key, { created, stamp: ++this.stamps })
    if (created < this.oldest) this.oldest = created
  }

  private forget (owner: string, key: string): void {
    const keys = this.index.get(owner)
    if (keys?.delete(key) !== true) return
    this.count--
    if (keys.size === 0) this.index.delete(owner)
  }
}
