/**
 * recordDigest and leafHash as they were before their buffers were sized
 * up front (src/merkle/digest.ts at f4a592e): the digests are compared
 * between peers, so the new code must give these bytes exactly.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { DigestSibling } from '../../src/merkle/digest.js'
import type { DvvSet } from '../../src/version/types.js'

const DIGEST_BYTES = 16
const utf8 = new TextEncoder()

/** Appends length-prefixed fields to one growing buffer. */
class Writer {
  private buf = new Uint8Array(256)
  private view = new DataView(this.buf.buffer)
  private length = 0

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

function siblingBytes (s: DigestSibling): Uint8Array {
  const w = new Writer()
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
export function referenceRecordDigest (record: DvvSet<DigestSibling>, hash: (bytes: Uint8Array) => Uint8Array = sha256): Uint8Array {
  const w = new Writer()
  w.u32(record.entries.length)
  for (const e of record.entries) {
    w.bytes(utf8.encode(e.actor))
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

/** A key's leaf: 128 bits of SHA-256 over the key and its record digest, as four words. */
export function referenceLeafHash (key: string, digest: Uint8Array): Uint32Array {
  const w = new Writer()
  w.bytes(utf8.encode(key))
  w.bytes(digest)
  const h = sha256(w.done())
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength)
  return Uint32Array.of(v.getUint32(0), v.getUint32(4), v.getUint32(8), v.getUint32(12))
}

