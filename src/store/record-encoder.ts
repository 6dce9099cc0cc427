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
import { ExactWriter, fieldSize } from '../exact-writer.js'
import type { KvRecord, Sibling } from './record.js'

const utf8 = new TextEncoder()
/**
 * Counters from here on are left to the general encoder: protons-runtime
 * writes those from 2^31 to 2^32 as a corrupt varint (0x00 bytes), and its
 * bytes, whatever they are, are the format. No counter comes near (one
 * per write of one actor run).
 */
const LONG_COUNTER = 2 ** 31

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

function siblingSize (s: Sibling): number {
  let size = 0
  if (s.value !== null && s.value.byteLength > 0) size += fieldSize(s.value.byteLength)
  if (s.value === null) size += 2
  if (s.timestamp !== 0) size += 9
  if (s.writeId !== undefined && s.writeId.byteLength > 0) size += fieldSize(s.writeId.byteLength)
  if (s.supersedes !== undefined) for (const r of s.supersedes) size += fieldSize(r.byteLength)
  return size
}

function writeSibling (out: ExactWriter, s: Sibling, size: number): void {
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
  const out = new ExactWriter(total)
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
