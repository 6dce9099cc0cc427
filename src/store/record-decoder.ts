/**
 * A record's protobuf (src/store/pb/record.proto) read straight into the
 * record, each part checked as soon as it is read. Every replica decodes the
 * record each SYNC brings and, to write over it, the one it holds; protons'
 * generated decoder first built a message of its own (two empty buffers for
 * every sibling's absent fields, a BigInt per counter, a Buffer view per
 * replaced-write reference, each made through Buffer's JavaScript
 * constructor), which was then copied into the record: 14% of the bytes a
 * peer allocated per write.
 *
 * It reads what the generated decoder reads, with protons-runtime's reader
 * (the same reads, so the same malformed input fails), and accepts exactly
 * the records the checks after it accepted (test/store/record-decoder.test.ts
 * holds both, over random and mutated encodings). Only which error comes
 * first may differ: a bad sibling is refused before a later field is read.
 */
import { reader as createReader } from 'protons-runtime'
import { ProtocolError } from '../errors.js'
import { MAX_SIBLINGS } from '../constants.js'
import { MAX_ACTOR_BYTES } from '../version/index.js'
import { MAX_SUPERSEDES, WRITE_REF_BYTES } from './superseded.js'
import { WRITE_ID_BYTES } from './record.js'
import type { DvvEntry } from '../version/types.js'
import type { KvRecord, RecordLimits, Sibling } from './record.js'

/** Merges of concurrent writes may pass the write limit; reads accept this many. */
export const MAX_DECODED_SIBLINGS = MAX_SIBLINGS * 16
/** Actors are replica peers that coordinated a write of the key: bounded by the cluster. */
export const MAX_ACTORS = 1024
/** Per actor, so one hostile frame cannot make the decoder build millions of siblings. */
export const MAX_VALUES_PER_ACTOR = MAX_SIBLINGS * 4

const MAX_COUNTER = BigInt(Number.MAX_SAFE_INTEGER)
const EMPTY: Uint8Array = new Uint8Array(0)
const utf8 = new TextEncoder()

/** protons-runtime's reader, as far as a record needs it */
interface Reader {
  buf: Uint8Array
  pos: number
  len: number
  uint32: () => number
  uint64: () => bigint
  bool: () => boolean
  double: () => number
  string: () => string
  bytes: () => Uint8Array
  skipType: (wireType: number) => void
}

/**
 * Decode and check a record: bytes from a hostile peer come out as a
 * well-formed DVVSet (sorted unique actors, counters that cover their
 * values) or as a ProtocolError, never as a corrupt state.
 */
export function decodeRecord (bytes: Uint8Array, limits: RecordLimits): KvRecord {
  // a plain view: a Buffer's views (every value and reference is one) are
  // made by Buffer's own constructor, a plain array's natively. What is
  // not bytes (a JavaScript caller's list or string) is refused: viewed, it
  // would read as an empty record, and a write merged from it would vanish
  const view = !((bytes as unknown) instanceof Uint8Array) ? undefined : bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view === undefined) throw new ProtocolError('record: not bytes (a Uint8Array)')
  const entries: Array<DvvEntry<Sibling>> = []
  const anonymous: Sibling[] = []
  let siblings = 0
  try {
    const r = createReader(view) as unknown as Reader
    while (r.pos < r.len) {
      const tag = r.uint32()
      switch (tag >>> 3) {
        case 1: {
          if (entries.length === MAX_ACTORS) throw tooMany('entries')
          const entry = readEntry(r, r.uint32(), limits)
          const prev = entries.length === 0 ? undefined : entries[entries.length - 1].actor
          if (prev !== undefined && entry.actor <= prev) throw new ProtocolError('record: actors not sorted and unique')
          siblings += entry.values.length
          entries.push(entry)
          break
        }
        case 2:
          if (anonymous.length === MAX_DECODED_SIBLINGS) throw tooMany('anonymous')
          anonymous.push(readSibling(r, r.uint32(), limits))
          break
        default:
          r.skipType(tag & 7)
      }
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`record: undecodable (${(err as Error).message})`)
  }
  siblings += anonymous.length
  if (siblings > MAX_DECODED_SIBLINGS) throw new ProtocolError(`record: ${siblings} siblings, over ${MAX_DECODED_SIBLINGS}`)
  return { entries, anonymous }
}

function tooMany (field: string): ProtocolError {
  return new ProtocolError(`record: too many siblings or actors (Decode error - repeated field "${field}" had too many elements)`)
}

function readEntry (r: Reader, length: number, limits: RecordLimits): DvvEntry<Sibling> {
  const end = r.pos + length
  let actor = ''
  let counter: number | bigint = 0
  const values: Sibling[] = []
  while (r.pos < end) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: actor = r.string(); break
      case 2: counter = readCounter(r); break
      case 3:
        if (values.length === MAX_VALUES_PER_ACTOR) throw tooMany('values')
        values.push(readSibling(r, r.uint32(), limits))
        break
      default: r.skipType(tag & 7)
    }
  }
  // bounded as a context bounds it (UTF-8 bytes), so every record stored has a context a client can be given
  // (a string of n UTF-16 units is at most 3n bytes of UTF-8: a short one needs no encoding to know)
  if (actor.length === 0 || actor.length > MAX_ACTOR_BYTES || (actor.length * 3 > MAX_ACTOR_BYTES && utf8.encode(actor).byteLength > MAX_ACTOR_BYTES)) throw new ProtocolError('record: bad actor')
  if (typeof counter === 'bigint') {
    if (counter > MAX_COUNTER) throw new ProtocolError('record: counter out of range')
    counter = Number(counter)
  }
  if (values.length > counter) throw new ProtocolError('record: more values than events')
  return { actor, counter, values }
}

/** A uint64 as protons reads it: four bytes or fewer (a counter under 2^28) here, without a BigInt; longer ones by the reader. */
function readCounter (r: Reader): number | bigint {
  const { buf, pos, len } = r
  let value = 0
  for (let i = 0; i < 4 && pos + i < len; i++) {
    const b = buf[pos + i]
    value += (b & 0x7f) * 2 ** (7 * i)
    if (b < 0x80) {
      r.pos = pos + i + 1
      return value
    }
  }
  return r.uint64()
}

function readSibling (r: Reader, length: number, limits: RecordLimits): Sibling {
  const end = r.pos + length
  let data = EMPTY
  let tombstone = false
  let timestamp = 0
  let writeId = EMPTY
  let supersedes: Uint8Array[] | undefined
  while (r.pos < end) {
    const tag = r.uint32()
    switch (tag >>> 3) {
      case 1: data = r.bytes(); break
      case 2: tombstone = r.bool(); break
      case 3: timestamp = r.double(); break
      case 4: writeId = r.bytes(); break
      case 5:
        if (supersedes === undefined) supersedes = []
        else if (supersedes.length === MAX_SUPERSEDES) throw tooMany('supersedes')
        supersedes.push(r.bytes())
        break
      default: r.skipType(tag & 7)
    }
  }
  if (tombstone && data.byteLength > 0) throw new ProtocolError('record: tombstone carries data')
  if (data.byteLength > limits.maxValueBytes) throw new ProtocolError(`record: value of ${data.byteLength} bytes over the limit`)
  if (!Number.isFinite(timestamp)) throw new ProtocolError('record: bad timestamp')
  if (writeId.byteLength !== 0 && writeId.byteLength !== WRITE_ID_BYTES) throw new ProtocolError(`record: write id of ${writeId.byteLength} bytes, not ${WRITE_ID_BYTES}`)
  const sibling: Sibling = { value: tombstone ? null : data, timestamp }
  if (writeId.byteLength > 0) sibling.writeId = writeId
  if (supersedes !== undefined) {
    for (const ref of supersedes) if (ref.byteLength !== WRITE_REF_BYTES) throw new ProtocolError(`record: a replaced-write reference is not ${WRITE_REF_BYTES} bytes`)
    sibling.supersedes = supersedes
  }
  return sibling
}
