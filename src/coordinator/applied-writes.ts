/**
 * Writes this replica has applied recently, by (key, write id): a retry of a
 * write whose sibling was since superseded by a later write is no longer in
 * the record, and must still not be minted again. The record itself answers
 * for writes whose sibling is still there, across restarts; this covers the
 * rest for as long as clients retry. Bounded in count and age.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { refKey } from '../store/superseded.js'

const utf8 = new TextEncoder()
/** Keys up to this many characters name their writes as they are; longer ones by a digest. */
const SHORT_KEY_CHARS = 32

export interface AppliedWritesInit {
  /** most remembered writes; the oldest go first */
  maxEntries: number
  /** how long a write is remembered (ms) */
  ttlMs: number
}

export class AppliedWrites {
  // insertion order is age order: a Map iterates oldest first
  private readonly seen = new Map<string, { at: number, value: string | null }>()

  constructor (private readonly init: AppliedWritesInit) {}

  /**
   * undefined: not applied here (or forgotten); otherwise the fingerprint of
   * the value it was applied with (valueFingerprint), null when not known
   * (learnt from a replica's record)
   */
  lookup (key: string, writeId: Uint8Array, now = Date.now()): string | null | undefined {
    const id = this.id(key, writeId)
    const entry = this.seen.get(id)
    if (entry === undefined) return undefined
    if (now - entry.at > this.init.ttlMs) {
      this.seen.delete(id)
      return undefined
    }
    return entry.value
  }

  has (key: string, writeId: Uint8Array, now = Date.now()): boolean {
    return this.lookup(key, writeId, now) !== undefined
  }

  /** `value`: the value's fingerprint when known; a known one is kept when not */
  add (key: string, writeId: Uint8Array, value?: string, now = Date.now()): void {
    const id = this.id(key, writeId)
    this.put(id, value ?? this.seen.get(id)?.value ?? null, now)
  }

  /**
   * A write that reached this replica in a record was applied: remembered
   * with the fingerprint it was applied with when that is known, else with
   * `fingerprint()`. What add(key, id, lookup(key, id) ?? fingerprint())
   * does, with the key and id named once (every synced write, at every replica).
   */
  learn (key: string, writeId: Uint8Array, fingerprint: () => string, now = Date.now()): void {
    const id = this.id(key, writeId)
    const entry = this.seen.get(id)
    const known = entry !== undefined && now - entry.at <= this.init.ttlMs ? entry.value : null
    this.put(id, known ?? fingerprint(), now)
  }

  private put (id: string, value: string | null, now: number): void {
    this.seen.delete(id)
    this.seen.set(id, { at: now, value })
    for (const [old, entry] of this.seen) {
      if (this.seen.size <= this.init.maxEntries && now - entry.at <= this.init.ttlMs) break
      this.seen.delete(old)
    }
  }

  get size (): number {
    return this.seen.size
  }

  // keys are up to 1 KiB: a digest of a long one keeps a full table near
  // 5 MB instead of 40+; a short one is kept as it is, not hashed (this runs
  // on every write at every replica). The write id comes first, a character
  // a byte after its length (a peer's SYNC may carry an id of any length,
  // and where it ends must not depend on what its bytes or the key hold),
  // then a mark that tells a key from a digest. Base64 took a generic
  // encoder's allocations on every write at every replica.
  private id (key: string, writeId: Uint8Array): string {
    const id = String.fromCharCode(writeId.length) + refKey(writeId)
    return key.length <= SHORT_KEY_CHARS ? id + '=' + key : id + '#' + refKey(sha256(utf8.encode(key)).subarray(0, 16))
  }
}
