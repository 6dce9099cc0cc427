/**
 * The kv protocol's messages (src/protocol/pb/kv.proto) on the hot path,
 * by hand, each checked against protons' generated codec
 * (test/protocol/kv-codec.test.ts). Requests and replies are written
 * straight into one buffer of their exact size: the bytes protons' generated
 * encoder gives (proto3 defaults left out, fields in number order, repeated
 * fields in order), without its list of per-field operations and the copy
 * at the end. Every request a coordinator sends is encoded once; in a
 * client node driving reads the generic encoder was its largest JavaScript
 * frame (5% of its busy time under YCSB-B, a GET of a few short strings).
 *
 * What it does not write the same way goes to the generated encoder, so the
 * bytes never differ: a number field that is not a whole number from 0 to
 * 2^32 (protons would wrap it), a context counter from 2^31 up, and any string
 * that is not ASCII (protons writes those through Buffer in Node and its own
 * UTF-8 writer elsewhere, which differ on lone surrogates). Keys, peer ids,
 * request ids, trace contexts and actors are ASCII in practice.
 *
 * Requests made by newRequest share one shape: an encoder reading sixteen
 * fields from objects of many shapes (a GET, a SYNC, a PUT, each with and
 * without a trace) pays a dictionary lookup for each, which cost more than
 * the writing (a GET: ~4 µs against ~0.35 µs from one shape, in a loop).
 */
import { MaxLengthError, reader as createReader } from 'protons-runtime'
import { Request, Response, Status, VectorEntry } from './pb/kv.js'
import { ExactWriter, fieldSize } from '../exact-writer.js'
import { varintBytes } from '../version/varint.js'

const MAX_UINT32 = 2 ** 32
/**
 * Context counters from here on go to the generated encoder: protons-runtime
 * writes a uint64 from 2^31 to 2^32 as a corrupt varint (src/store/record-encoder.ts
 * says more), and its bytes, whatever they are, are the format.
 */
const LONG_COUNTER = 2n ** 31n

/** bytes of a uint32 field (0 when absent), or -1 when it is not a whole number from 0 to 2^32 */
function uint32Size (n: number | undefined): number {
  if (n == null || n === 0) return 0
  return Number.isInteger(n) && n >= 0 && n < MAX_UINT32 ? 1 + varintBytes(n) : -1
}

/** bytes of a string when all ASCII; -1 otherwise (and for what is not a string: the generated encoder says what it makes of it) */
function asciiLength (s: string): number {
  if (typeof s !== 'string') return -1
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return -1
  return s.length
}

/** bytes of a string field (0 when absent), or -1 when it is not ASCII */
function stringSize (s: string | undefined): number {
  if (s == null || s === '') return 0
  const length = asciiLength(s)
  return length < 0 ? -1 : fieldSize(length)
}

/** the bytes of one context entry's message, or -1 when only the generated encoder writes it */
function entrySize (e: VectorEntry): number {
  const actor = e.actor == null ? 0 : asciiLength(e.actor)
  if (actor < 0 || typeof e.counter !== 'bigint' || e.counter < 0n || e.counter >= LONG_COUNTER) return -1
  let size = actor > 0 ? fieldSize(actor) : 0
  const counter = Number(e.counter)
  if (counter !== 0) size += 1 + varintBytes(counter)
  return size
}

/** A request with every field at its default, in one shape (set the fields it needs). */
export function newRequest (type: number, key: string): Request {
  return {
    id: 0,
    type,
    key,
    record: undefined,
    value: undefined,
    tombstone: false,
    context: NO_ENTRIES,
    w: 0,
    n: 0,
    timeout: 0,
    writeId: NO_BYTES,
    hintFor: '',
    requestId: '',
    traceparent: '',
    contextWrites: NO_WRITES,
    digest: NO_BYTES
  }
}

const NO_ENTRIES: VectorEntry[] = Object.freeze([]) as unknown as VectorEntry[]
const NO_WRITES: Array<Uint8Array<ArrayBuffer>> = Object.freeze([]) as unknown as Array<Uint8Array<ArrayBuffer>>
const NO_BYTES = new Uint8Array(0)

/** Request.encode({ ...req, id }), byte for byte (`id`: req's own when absent). */
export function encodeRequest (req: Partial<Request>, id: number | undefined = req.id): Uint8Array {
  const { type, key, record, value, tombstone, context, w, n, timeout, writeId, hintFor, requestId, traceparent, contextWrites, digest } = req
  const idSize = uint32Size(id)
  const typeSize = uint32Size(type)
  const wSize = uint32Size(w)
  const nSize = uint32Size(n)
  const timeoutSize = uint32Size(timeout)
  const keySize = stringSize(key)
  const hintForSize = stringSize(hintFor)
  const requestIdSize = stringSize(requestId)
  const traceparentSize = stringSize(traceparent)
  if (idSize < 0 || typeSize < 0 || wSize < 0 || nSize < 0 || timeoutSize < 0 ||
    keySize < 0 || hintForSize < 0 || requestIdSize < 0 || traceparentSize < 0) return Request.encode({ ...req, id })
  let size = idSize + typeSize + wSize + nSize + timeoutSize + keySize + hintForSize + requestIdSize + traceparentSize
  if (record != null) size += fieldSize(record.byteLength)
  if (value != null) size += fieldSize(value.byteLength)
  if (tombstone != null && tombstone !== false) size += 2
  let entrySizes: number[] | undefined
  if (context != null && context.length > 0) {
    entrySizes = []
    for (const e of context) {
      const s = entrySize(e)
      if (s < 0) return Request.encode({ ...req, id })
      entrySizes.push(s)
      size += fieldSize(s)
    }
  }
  if (writeId != null && writeId.byteLength > 0) size += fieldSize(writeId.byteLength)
  if (contextWrites != null) for (const b of contextWrites) size += fieldSize(b.byteLength)
  if (digest != null && digest.byteLength > 0) size += fieldSize(digest.byteLength, 2)

  const out = new ExactWriter(size)
  if (id != null && id !== 0) { out.byte(0x08); out.varint(id) }
  if (type != null && type !== 0) { out.byte(0x10); out.varint(type) }
  if (key != null && key !== '') out.asciiField(0x1a, key)
  if (record != null) out.field(0x22, record)
  if (value != null) out.field(0x2a, value)
  if (tombstone != null && tombstone !== false) { out.byte(0x30); out.byte(tombstone ? 1 : 0) }
  if (context != null && entrySizes !== undefined) {
    for (let i = 0; i < context.length; i++) {
      const e = context[i]
      out.byte(0x3a)
      out.varint(entrySizes[i])
      if (e.actor != null && e.actor !== '') out.asciiField(0x0a, e.actor)
      if (e.counter !== 0n) { out.byte(0x10); out.varint(Number(e.counter)) }
    }
  }
  if (w != null && w !== 0) { out.byte(0x40); out.varint(w) }
  if (n != null && n !== 0) { out.byte(0x48); out.varint(n) }
  if (timeout != null && timeout !== 0) { out.byte(0x50); out.varint(timeout) }
  if (writeId != null && writeId.byteLength > 0) out.field(0x5a, writeId)
  if (hintFor != null && hintFor !== '') out.asciiField(0x62, hintFor)
  if (requestId != null && requestId !== '') out.asciiField(0x6a, requestId)
  if (traceparent != null && traceparent !== '') out.asciiField(0x72, traceparent)
  if (contextWrites != null) for (const b of contextWrites) out.field(0x7a, b)
  if (digest != null && digest.byteLength > 0) {
    // field 16: a two-byte tag
    out.byte(0x82)
    out.field(0x01, digest)
  }
  return out.bytes
}

/** Status's number on the wire (protons' generated code names it by string) */
const STATUS_NUMBERS: Partial<Record<string, number>> = { [Status.OK]: 0, [Status.NOT_FOUND]: 1, [Status.ERROR]: 2 }

/**
 * Response.encode({ ...res, id }), byte for byte (`id`: res's own when
 * absent). The replies a replica sends all the time (a record, "same", not
 * found, a stored write with its acks) are written here; one with a quorum
 * detail or a context (unused since protocol 2.0.0), a status it does not
 * know or a string that is not ASCII goes to the generated encoder.
 */
export function encodeResponse (res: Partial<Response>, id: number | undefined = res.id): Uint8Array {
  const { status, record, code, message, acked, context, quorum, same } = res
  const statusNumber = status == null ? 0 : STATUS_NUMBERS[status]
  const idSize = uint32Size(id)
  const codeSize = stringSize(code)
  const messageSize = stringSize(message)
  if (statusNumber === undefined || idSize < 0 || codeSize < 0 || messageSize < 0 || quorum != null || (context != null && context.length > 0)) return Response.encode({ ...res, id })
  let size = idSize + codeSize + messageSize
  if (statusNumber !== 0) size += 2
  if (record != null) size += fieldSize(record.byteLength)
  if (acked != null) {
    for (const peer of acked) {
      const length = asciiLength(peer)
      if (length < 0) return Response.encode({ ...res, id })
      size += fieldSize(length)
    }
  }
  if (same != null && same !== false) size += 2

  const out = new ExactWriter(size)
  if (id != null && id !== 0) { out.byte(0x08); out.varint(id) }
  if (statusNumber !== 0) { out.byte(0x10); out.byte(statusNumber) }
  if (record != null) out.field(0x1a, record)
  if (code != null && code !== '') out.asciiField(0x22, code)
  if (message != null && message !== '') out.asciiField(0x2a, message)
  if (acked != null) for (const peer of acked) out.asciiField(0x32, peer)
  if (same != null && same !== false) { out.byte(0x48); out.byte(same ? 1 : 0) }
  return out.bytes
}

/**
 * Request.decode(frame, { limits: { context: maxContext } }), field for
 * field: the generated decoder's loop over protons-runtime's reader (the
 * same reads, so the same errors for a malformed frame from a hostile
 * peer), but a request's absent bytes fields are one shared empty array
 * instead of two buffers allocated for every frame (Buffer.alloc(0) and a
 * view of it: 2-3% of a replica's busy time under reads). An empty array
 * has nothing to change.
 */
export function decodeRequest (frame: Uint8Array, maxContext: number): Request {
  const reader = createReader(frame)
  const obj = newRequest(0, '')
  // arrays of its own, to push into
  obj.context = []
  obj.contextWrites = []
  const end = reader.len
  while (reader.pos < end) {
    const tag = reader.uint32()
    switch (tag >>> 3) {
      case 1: obj.id = reader.uint32(); break
      case 2: obj.type = reader.uint32(); break
      case 3: obj.key = reader.string(); break
      case 4: obj.record = reader.bytes() as Uint8Array<ArrayBuffer>; break
      case 5: obj.value = reader.bytes() as Uint8Array<ArrayBuffer>; break
      case 6: obj.tombstone = reader.bool(); break
      case 7:
        if (obj.context.length === maxContext) throw new MaxLengthError('Decode error - repeated field "context" had too many elements')
        obj.context.push(VectorEntry.codec().decode(reader, reader.uint32(), { limits: undefined }))
        break
      case 8: obj.w = reader.uint32(); break
      case 9: obj.n = reader.uint32(); break
      case 10: obj.timeout = reader.uint32(); break
      case 11: obj.writeId = reader.bytes() as Uint8Array<ArrayBuffer>; break
      case 12: obj.hintFor = reader.string(); break
      case 13: obj.requestId = reader.string(); break
      case 14: obj.traceparent = reader.string(); break
      case 15: obj.contextWrites.push(reader.bytes() as Uint8Array<ArrayBuffer>); break
      case 16: obj.digest = reader.bytes() as Uint8Array<ArrayBuffer>; break
      default: reader.skipType(tag & 7)
    }
  }
  return obj
}
