/**
 * A record's digest and a key's leaf in the Merkle index. Two replicas that
 * hold the same logical DVVSet get the same digest whatever order they merged
 * in: entries are kept sorted by actor and each entry's values by dot, so
 * only anonymous values (a set, unioned in merge order) need sorting. A
 * sibling is digested by what siblingEquals compares (value or tombstone,
 * timestamp, write id): replicas the merge takes as equal are not sent again.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { DvvSet } from '../version/types.js'

/** What the digest reads of a sibling (src/store/record.ts Sibling). */
export interface DigestSibling {
  value: Uint8Array | null
  timestamp: number
  writeId?: Uint8Array
}

export const DIGEST_BYTES = 16

const utf8 = new TextEncoder()

/** Appends length-prefixed fields to one growing buffer. */
class Writer {
  private buf: Uint8Array
  private view: DataView
  private length = 0

  /** `size`: the bytes it will take, when known (one buffer, never grown) */
  constructor (size = 256) {
    this.buf = new Uint8Array(size)
    this.view = new DataView(this.buf.buffer)
  }

  private room (n: number): void {
    if (this.length + n <= this.buf.byteLength) return
    const next = new Uint8Array(Math.max(this.buf.byteLength * 2, this.length + n))
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u32 (n: number): void {
    this.room(4)
    this.view.setUint32(this.length, n >>> 0)
    this.length += 4
  }

  f64 (n: number): void {
    this.room(8)
    this.view.setFloat64(this.length, n)
    this.length += 8
  }

  bytes (b: Uint8Array): void {
    this.u32(b.byteLength)
    this.push(b)
  }

  push (b: Uint8Array): void {
    this.room(b.byteLength)
    this.buf.set(b, this.length)
    this.length += b.byteLength
  }

  done (): Uint8Array {
    return this.buf.subarray(0, this.length)
  }
}

function writeSibling (w: Writer, s: DigestSibling): void {
  w.u32(s.value === null ? 1 : 0)
  w.bytes(s.value ?? new Uint8Array(0))
  w.f64(s.timestamp)
  w.bytes(s.writeId ?? new Uint8Array(0))
}

/** bytes writeSibling writes */
function siblingSize (s: DigestSibling): number {
  return 20 + (s.value?.byteLength ?? 0) + (s.writeId?.byteLength ?? 0)
}

function siblingBytes (s: DigestSibling): Uint8Array {
  const w = new Writer(siblingSize(s))
  writeSibling(w, s)
  return w.done()
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.byteLength - b.byteLength
}

/**
 * 16 bytes naming a record's causal history and values. `hash`: SHA-256
 * (an adapter may pass a native one: every write is digested).
 */
export function recordDigest (record: DvvSet<DigestSibling>, hash: (bytes: Uint8Array) => Uint8Array = sha256): Uint8Array {
  // sized first: a value copied into a buffer grown from 256 bytes was copied four times more
  const actors = record.entries.map(e => utf8.encode(e.actor))
  let size = 8
  for (let i = 0; i < record.entries.length; i++) {
    size += 16 + actors[i].byteLength
    for (const v of record.entries[i].values) size += siblingSize(v)
  }
  for (const a of record.anonymous) size += siblingSize(a)
  const w = new Writer(size)
  w.u32(record.entries.length)
  for (const [i, e] of record.entries.entries()) {
    w.bytes(actors[i])
    w.f64(e.counter)
    w.u32(e.values.length)
    for (const v of e.values) writeSibling(w, v)
  }
  // unique by value (a set), in byte order
  const anonymous = record.anonymous.map(siblingBytes).sort(compareBytes)
    .filter((b, i, all) => i === 0 || compareBytes(all[i - 1], b) !== 0)
  w.u32(anonymous.length)
  for (const a of anonymous) w.push(a)
  return hash(w.done()).slice(0, DIGEST_BYTES)
}

/** A key's leaf: 128 bits of SHA-256 over the key and its record digest, as four words. `hash`: as recordDigest's. */
export function leafHash (key: string, digest: Uint8Array, hash: (bytes: Uint8Array) => Uint8Array = sha256): Uint32Array {
  const k = utf8.encode(key)
  const w = new Writer(8 + k.byteLength + digest.byteLength)
  w.bytes(k)
  w.bytes(digest)
  const h = hash(w.done())
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength)
  return Uint32Array.of(v.getUint32(0), v.getUint32(4), v.getUint32(8), v.getUint32(12))
}

/** Four words as 16 big-endian bytes (the wire form of an arc hash). */
export function wordsToBytes (words: Uint32Array): Uint8Array {
  const out = new Uint8Array(16)
  const v = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) v.setUint32(i * 4, words[i])
  return out
}
