/**
 * The kv codec (src/protocol/kv-codec.ts) against protons' generated one:
 * the encoders write its bytes for every message, and the request decoder
 * gives what it gives (the same fields, the same failures) for every frame,
 * well formed, damaged or garbage: the wire format does not change.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeRequest, encodeRequest, encodeResponse, newRequest } from '../../src/protocol/kv-codec.js'
import { Request, Response, Status } from '../../src/protocol/pb/kv.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const uint32 = fc.oneof(fc.constantFrom(0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 - 1), fc.nat(), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
/** what a caller could pass that protons wraps or truncates: the encoder must give its bytes too */
const oddNumber = fc.constantFrom(-1, 2 ** 32, 2 ** 40, 1.5, -0, Number.MAX_SAFE_INTEGER)
const str = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', 'k', 'é', '\ud800', 'a\udc00b', '😀'), fc.integer({ min: 0, max: 300 }).map(n => 'x'.repeat(n)))
const bytes = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 70_000 }).map(n => new Uint8Array(n).fill(n & 255)))
const counter = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 31n - 1n }), fc.constantFrom(0n, 127n, 128n, 2n ** 31n - 1n))
/**
 * Counters the encoder leaves to protons. Not those from 2^31 to 2^32:
 * protons-runtime writes them as a corrupt varint (bytes of its pool left
 * unwritten, not the same twice), so no two encodings can be compared.
 */
const oddCounter = fc.constantFrom(2n ** 32n, 2n ** 40n, 2n ** 63n, 2n ** 64n - 1n)

const request = (numbers: fc.Arbitrary<number>, counters: fc.Arbitrary<bigint>): fc.Arbitrary<Partial<Request>> => fc.record({
  id: numbers,
  type: numbers,
  key: str,
  record: bytes,
  value: bytes,
  tombstone: fc.boolean(),
  context: fc.array(fc.record({ actor: str, counter: counters }), { maxLength: 4 }),
  w: numbers,
  n: numbers,
  timeout: numbers,
  writeId: bytes,
  hintFor: str,
  requestId: str,
  traceparent: str,
  contextWrites: fc.array(bytes, { maxLength: 3 }),
  digest: bytes
}, { requiredKeys: [] })

test('the bytes of the generated encoder, for any request', () => {
  fc.assert(fc.property(request(uint32, counter), req => {
    assert.equal(hex(encodeRequest(req)), hex(Request.encode(req)))
  }), { numRuns: 2000 })
})

test('numbers protons wraps, counters it writes its own way and non-ASCII strings give its bytes too', () => {
  fc.assert(fc.property(request(fc.oneof(uint32, oddNumber), fc.oneof(counter, oddCounter)), req => {
    assert.equal(hex(encodeRequest(req)), hex(Request.encode(req)))
  }), { numRuns: 1000 })
})

test('the requests a coordinator sends', () => {
  const digest = new Uint8Array(16).fill(9)
  for (const req of [
    { id: 7, type: 1, key: 'user:42', timeout: 5000, requestId: 'r-1', digest },
    { id: 2 ** 32 - 1, type: 2, key: 'k', record: new Uint8Array(1100).fill(3), timeout: 500, hintFor: '12D3KooWabc', traceparent: '00-' + 'a'.repeat(32) + '-' + 'b'.repeat(16) + '-01' },
    { id: 3, type: 3, key: 'k', value: new Uint8Array(0), tombstone: true, context: [{ actor: 'peer.1', counter: 5n }, { actor: '', counter: 0n }], w: 2, n: 3, writeId: new Uint8Array(16).fill(1), contextWrites: [new Uint8Array(24).fill(2)] },
    {}
  ]) assert.equal(hex(encodeRequest(req)), hex(Request.encode(req)))
})

test('a request from newRequest, its id given apart, is the generated encoding of it with that id', () => {
  fc.assert(fc.property(uint32, fc.nat({ max: 3 }), str, bytes, uint32, (id, type, key, digest, timeout) => {
    const req = newRequest(type, key)
    req.digest = digest as Uint8Array<ArrayBuffer>
    req.timeout = timeout
    assert.equal(hex(encodeRequest(req, id)), hex(Request.encode({ ...req, id })))
    assert.equal(req.id, 0, 'the request itself is left as it was')
  }), { numRuns: 500 })
})

const response = (numbers: fc.Arbitrary<number>): fc.Arbitrary<Partial<Response>> => fc.record({
  id: numbers,
  status: fc.constantFrom(Status.OK, Status.NOT_FOUND, Status.ERROR),
  record: bytes,
  code: str,
  message: str,
  acked: fc.array(str, { maxLength: 3 }),
  context: fc.oneof(fc.constant(0).map(() => []), fc.array(fc.record({ actor: str, counter }), { maxLength: 2 })),
  quorum: fc.option(fc.record({ required: uint32, received: uint32, available: uint32, answered: fc.array(str, { maxLength: 2 }), failed: fc.array(fc.record({ peer: str, error: str }), { maxLength: 2 }) }), { nil: undefined }),
  same: fc.boolean()
}, { requiredKeys: [] })

test('the bytes of the generated encoder, for any response', () => {
  fc.assert(fc.property(response(fc.oneof(uint32, oddNumber)), fc.option(uint32, { nil: undefined }), (res, id) => {
    assert.equal(hex(encodeResponse(res, id)), hex(Response.encode(id === undefined ? res : { ...res, id })))
  }), { numRuns: 2000 })
})

test('the replies a replica sends', () => {
  const acked = ['12D3KooWabc', '12D3KooWdef']
  for (const res of [
    { status: Status.OK, record: new Uint8Array(1100).fill(5) },
    { status: Status.OK, same: true },
    { status: Status.NOT_FOUND },
    { status: Status.OK },
    { status: Status.OK, record: new Uint8Array(0), acked },
    { status: Status.ERROR, code: 'ERR_TIMEOUT', message: 'no reply within 500 ms' }
  ]) assert.equal(hex(encodeResponse(res, 9)), hex(Response.encode({ ...res, id: 9 })))
})

test('a field of the wrong type (a number where a string goes) is the generated encoder\'s to handle, never a size that is not a number', () => {
  const outcome = (f: () => Uint8Array): string => { try { return hex(f()) } catch (err) { return `throws ${(err as Error).name}` } }
  const odd = [42, {}, null, 1.5] as unknown as string[]
  for (const v of odd) {
    const res = { status: Status.ERROR, code: 'ERR_X', message: v }
    assert.equal(outcome(() => encodeResponse(res, 3)), outcome(() => Response.encode({ ...res, id: 3 })))
    const acked = { status: Status.OK, acked: ['peer', v] }
    assert.equal(outcome(() => encodeResponse(acked, 3)), outcome(() => Response.encode({ ...acked, id: 3 })))
    const req = { type: 1, key: v, requestId: 'r' }
    assert.equal(outcome(() => encodeRequest(req, 3)), outcome(() => Request.encode({ ...req, id: 3 })))
  }
  // what came after is whole: the slab was not handed out again
  const a = encodeRequest({ type: 1, key: 'a'.repeat(40) }, 1)
  const b = encodeRequest({ type: 1, key: 'b'.repeat(40) }, 2)
  assert.equal(hex(a), hex(Request.encode({ type: 1, key: 'a'.repeat(40), id: 1 })))
  assert.equal(hex(b), hex(Request.encode({ type: 1, key: 'b'.repeat(40), id: 2 })))
})

/** a decoded request as plain data: absent optional fields and present-but-undefined ones alike, bytes as bytes */
function plainRequest (r: Request): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v: unknown) => v instanceof Uint8Array ? { bytes: hex(v) } : typeof v === 'bigint' ? `${v}n` : v))
}
const decoded = (f: () => Request): unknown => { try { return plainRequest(f()) } catch (err) { return `throws ${(err as Error).name}: ${(err as Error).message}` } }
const generated = (b: Uint8Array, max: number): unknown => decoded(() => Request.decode(b, { limits: { context: max } }))

test('the request decoder gives what the generated one does, for any request', () => {
  fc.assert(fc.property(request(uint32, counter), req => {
    const b = Request.encode(req)
    assert.deepEqual(decoded(() => decodeRequest(b, 4096)), generated(b, 4096))
  }), { numRuns: 1000 })
})

test('the request decoder fails where the generated one does, for garbage and damaged frames', () => {
  const damaged = fc.tuple(request(uint32, counter), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([req, at, byte, cut]) => {
    const b = Uint8Array.from(Request.encode(req))
    if (b.byteLength === 0) return b
    if (cut) return b.subarray(0, at % b.byteLength)
    b[at % b.byteLength] = byte
    return b
  })
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), damaged), b => {
    assert.deepEqual(decoded(() => decodeRequest(b, 4096)), generated(b, 4096))
  }), { numRuns: 3000 })
})

test('the bound on context entries is the generated decoder\'s', () => {
  const context = Array.from({ length: 5 }, (_, i) => ({ actor: `a${i}`, counter: BigInt(i) }))
  const b = Request.encode({ id: 1, type: 3, key: 'k', context })
  for (const max of [4, 5, 6]) assert.deepEqual(decoded(() => decodeRequest(b, max)), generated(b, max))
  assert.match(String(decoded(() => decodeRequest(b, 4))), /too many elements/)
})
