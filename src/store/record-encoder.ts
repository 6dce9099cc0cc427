/**
 * A record's protobuf encoding (src/store/pb/record.proto), written straight
 * into one buffer of its exact size: the bytes protons' generated encoder
 * gives (proto3 defaults left out, fields in number order, repeated fields
 * in order), without its per-field operation list, forks and copies. Every
 * replica encodes every record it stores, and the generic encoder took
 * ~4.5 µs for a 1 KB record. Records it cannot write the same way (a
 * counter that is not a whole number from 0 to 2^31, a timestamp that is
 * not finite: neither comes out of a DVV operation or a decode) are left to
 * the caller's general encoder (undefined).
 */
import { varintBytes } from '../version/varint.js'
import type { KvRecord, Sibling } from './record.js'

const utf8 = new TextEncoder()
/**
 * Counters from here on are left to the general encoder: protons-runtime
 * writes those from 2^31 to 2^32 as a corrupt varint (0x00 bytes), and its
 * bytes, whatever they are, are the format. No counter comes near (one
 * per write of one actor run).
 */
const LONG_COUNTER = 2 ** 31

/** a double's little-endian bytes, through one scratch word (no DataView per record) */
const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** actors' UTF-8, for the few actors a store's records name (a bounded table) */
const ACTORS_KEPT = 1024
const actorBytes = new Map<string, Uint8Array>()

function actorUtf8 (actor: string): Uint8Array {
  let b = actorBytes.get(actor)
  if (b === undefined) {
    b = utf8.encode(actor)
    if (actorBytes.size >= ACTORS_KEPT) actorBytes.clear()
    actorBytes.set(actor, b)
  }
  return b
}

/**
 * In Node, encodings under half a slab are cut from a shared slab, as
 * Buffer.allocUnsafe (what the generated encoder used there) cuts them
 * from its pool: a typed array of its own costs an allocation outside the
 * heap, about what the rest of the encoding does. In a browser each gets a
 * buffer of its own, as before: IndexedDB would store a view's whole slab.
 */
const POOLED = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string'
const SLAB_BYTES = 8192
let slab = new Uint8Array(SLAB_BYTES)
let slabUsed = 0

function alloc (size: number): Uint8Array {
  if (!POOLED || size > SLAB_BYTES / 2) return new Uint8Array(size)
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    slabUsed = 0
  }
  const bytes = slab.subarray(slabUsed, slabUsed + size)
  // aligned, as Node's pool is
  slabUsed = (slabUsed + size + 7) & ~7
  return bytes
}

class Out {
  readonly bytes: Uint8Array
  pos = 0

  constructor (size: number) {
    this.bytes = alloc(size)
  }

  varint (n: number): void {
    while (n >= 128) {
      this.bytes[this.pos++] = (n % 128) | 128
      n = Math.floor(n / 128)
    }
    this.bytes[this.pos++] = n
  }

  /** a length-delimited field: tag, length, bytes */
  field (tag: number, b: Uint8Array): void {
    this.bytes[this.pos++] = tag
    this.varint(b.byteLength)
    this.bytes.set(b, this.pos)
    this.pos += b.byteLength
  }

  double (n: number): void {
    scratch[0] = n
    if (littleEndian) this.bytes.set(scratchBytes, this.pos)
    else for (let i = 0; i < 8; i++) this.bytes[this.pos + i] = scratchBytes[7 - i]
    this.pos += 8
  }
}

/** bytes of a length-delimited field of `length` bytes (one-byte tag) */
function fieldSize (length: number): number {
  return 1 + varintBytes(length) + length
}

function siblingSize (s: Sibling): number {
  let size = 0
  if (s.value !== null && s.value.byteLength > 0) size += fieldSize(s.value.byteLength)
  if (s.value === null) size += 2
  if (s.timestamp !== 0) size += 9
  if (s.writeId !== undefined && s.writeId.byteLength > 0) size += fieldSize(s.writeId.byteLength)
  if (s.supersedes !== undefined) for (const r of s.supersedes) size += fieldSize(r.byteLength)
  return size
}

function writeSibling (out: Out, s: Sibling, size: number): void {
  out.varint(size)
  if (s.value !== null && s.value.byteLength > 0) out.field(0x0a, s.value)
  if (s.value === null) { out.bytes[out.pos++] = 0x10; out.bytes[out.pos++] = 1 }
  if (s.timestamp !== 0) { out.bytes[out.pos++] = 0x19; out.double(s.timestamp) }
  if (s.writeId !== undefined && s.writeId.byteLength > 0) out.field(0x22, s.writeId)
  if (s.supersedes !== undefined) for (const r of s.supersedes) out.field(0x2a, r)
}

/** The record's encoding, or undefined when it holds what only the general encoder writes. */
export function encodeRecordFast (r: KvRecord): Uint8Array | undefined {
  const { entries, anonymous } = r
  const entrySizes: number[] = []
  const siblingSizes: number[] = []
  let total = 0
  for (const e of entries) {
    if (!Number.isSafeInteger(e.counter) || e.counter < 0 || e.counter >= LONG_COUNTER) return undefined
    const actor = actorUtf8(e.actor).byteLength
    let size = actor > 0 ? fieldSize(actor) : 0
    if (e.counter !== 0) size += 1 + varintBytes(e.counter)
    for (const s of e.values) {
      if (!Number.isFinite(s.timestamp)) return undefined
      const n = siblingSize(s)
      siblingSizes.push(n)
      size += fieldSize(n)
    }
    entrySizes.push(size)
    total += fieldSize(size)
  }
  for (const s of anonymous) {
    if (!Number.isFinite(s.timestamp)) return undefined
    const n = siblingSize(s)
    siblingSizes.push(n)
    total += fieldSize(n)
  }
  const out = new Out(total)
  let next = 0
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]
    out.bytes[out.pos++] = 0x0a
    out.varint(entrySizes[i])
    const actor = actorUtf8(e.actor)
    if (actor.byteLength > 0) out.field(0x0a, actor)
    if (e.counter !== 0) { out.bytes[out.pos++] = 0x10; out.varint(e.counter) }
    for (const s of e.values) { out.bytes[out.pos++] = 0x1a; writeSibling(out, s, siblingSizes[next++]) }
  }
  for (const s of anonymous) { out.bytes[out.pos++] = 0x12; writeSibling(out, s, siblingSizes[next++]) }
  return out.bytes
}
