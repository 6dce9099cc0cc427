/**
 * A hostile or broken client on the kv protocol: raw streams from a bare
 * libp2p host to a cluster member. A malformed frame costs that stream only;
 * a request that fails gets a typed ERROR reply on a stream that goes on; the
 * peer keeps serving everyone else.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { Uint8ArrayList } from 'uint8arraylist'
import { kvProtocol, MAX_FRAME_BYTES, MAX_KEY_BYTES } from '../../src/constants.js'
import { Request, Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { decodeRecord, encodeRecord } from '../../src/store/record.js'
import { startCluster, bytes, text } from '../fixtures/cluster.js'
import { createRawHost, handEncodedRequest, openRaw, varintBytes } from '../fixtures/raw-stream.js'
import type { RawStream } from '../fixtures/raw-stream.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { Libp2p } from '@libp2p/interface'

const BAD_FRAMES = 'meshkv_rpc_bad_frames_total'
/** how long a stream that should end is given to end */
const END_WITHIN_MS = 3_000

describe('the kv protocol under garbage', () => {
  let cluster: TestCluster
  let a: MeshNode
  let b: MeshNode
  let raw: Libp2p
  let badFramesBefore: number
  const streams: RawStream[] = []

  const open = async (): Promise<RawStream> => {
    const s = await openRaw(raw, peerIdFromString(a.peerId), kvProtocol('test'))
    streams.push(s)
    return s
  }

  before(async () => {
    cluster = await startCluster(2, { n: 2, r: 1, w: 1 })
    await cluster.converged(2)
    ;[a, b] = cluster.nodes
    raw = await createRawHost()
    await raw.dial(a.libp2p.getMultiaddrs()[0])
    await a.put('known', bytes('known-value'), { w: 2 })
    badFramesBefore = a.metrics.counter(BAD_FRAMES)
  })

  after(async () => {
    await Promise.allSettled(streams.map(async s => { await s.close() }))
    await raw?.stop()
    await cluster?.stop()
  })

  test('a length prefix over MAX_FRAME_BYTES: the peer aborts that stream', async () => {
    const s = await open()
    await s.sendRaw(new Uint8ArrayList(varintBytes(MAX_FRAME_BYTES + 1), randomBytes(64)))
    const end = await s.ended(END_WITHIN_MS)
    assert.equal(end.local, false, 'ended by the remote')
    assert.equal(end.status, 'reset')
    assert.ok(s.resetByRemote)
    assert.equal(s.responses.length, 0)
  })

  test('a length prefix far over the bound, before any body arrives: aborted at once', async () => {
    const s = await open()
    await s.sendRaw(varintBytes(2 ** 31))
    const end = await s.ended(END_WITHIN_MS)
    assert.equal(end.status, 'reset')
  })

  test('a garbage length prefix (a varint that never terminates): the peer aborts that stream', async () => {
    // ten bytes with the continuation bit set: no valid length, and more
    // bytes cannot make it one under MAX_FRAME_BYTES
    const s = await open()
    await s.sendRaw(new Uint8Array(10).fill(0xff))
    const end = await s.ended(END_WITHIN_MS)
    assert.equal(end.status, 'reset')
  })

  test('a well-sized frame of random bytes that is not a Request: the peer aborts that stream', async () => {
    // field 15, wire type 7 (no such wire type), then noise
    const garbage = new Uint8Array([0x7f, ...randomBytes(200)])
    assert.throws(() => Request.decode(garbage), 'the frame really is undecodable')
    const s = await open()
    await s.sendFrame(garbage)
    const end = await s.ended(END_WITHIN_MS)
    assert.equal(end.status, 'reset')
    assert.equal(s.responses.length, 0)
  })

  test('a valid GET after a garbage frame on the same stream is not answered (the stream is gone)', async () => {
    // a key (field 3) that claims 16 bytes and has 1
    const truncated = Uint8Array.of(0x1a, 0x10, 0x41)
    assert.throws(() => Request.decode(truncated))
    const s = await open()
    await s.sendFrame(truncated)
    await s.sendRequest({ id: 1, type: RequestType.GET, key: 'known' })
    const end = await s.ended(END_WITHIN_MS)
    assert.equal(end.status, 'reset')
    assert.equal(s.responses.find(r => r.id === 1), undefined)
  })

  test('a request of type UNKNOWN: an ERROR reply with ERR_PROTOCOL, and the stream goes on', async () => {
    const s = await open()
    await s.sendRequest({ id: 7, type: 0, key: 'known' })
    const res = await s.response(7)
    assert.equal(res.status, Status.ERROR)
    assert.equal(res.code, 'ERR_PROTOCOL')
    assert.match(res.message, /unknown request type/)
    await s.sendRequest({ id: 8, type: RequestType.GET, key: 'known' })
    assert.equal((await s.response(8)).status, Status.OK)
    assert.equal(s.end, undefined)
  })

  test('a request with an unknown type number (99): an ERROR reply with ERR_PROTOCOL, and the stream goes on', async () => {
    const s = await open()
    await s.sendFrame(handEncodedRequest({ id: 99, type: 99, key: 'known' }))
    const res = await s.response(99)
    assert.equal(res.status, Status.ERROR)
    assert.equal(res.code, 'ERR_PROTOCOL')
    await s.sendRequest({ id: 100, type: RequestType.GET, key: 'known' })
    const get = await s.response(100)
    assert.equal(get.status, Status.OK)
    assert.equal(s.end, undefined, 'the stream is still open')
  })

  test('a SYNC whose record is garbage: an ERROR reply with ERR_PROTOCOL, the stream goes on, nothing stored', async () => {
    const s = await open()
    const undecodable = new Uint8Array([0x7f, ...randomBytes(32)])
    const unsorted = encodeRecord({
      entries: [{ actor: 'zz', counter: 1, values: [] }, { actor: 'aa', counter: 1, values: [] }],
      anonymous: []
    })
    const overfull = encodeRecord({ entries: [{ actor: 'aa', counter: 1, values: [{ value: null, timestamp: 1 }, { value: null, timestamp: 2 }] }], anonymous: [] })
    const records = [undecodable, unsorted, overfull]
    for (const [i, record] of records.entries()) {
      await s.sendRequest({ id: 10 + i, type: RequestType.SYNC, key: 'synced-garbage', record: record as Uint8Array<ArrayBuffer> })
    }
    // a SYNC with no record at all
    await s.sendRequest({ id: 13, type: RequestType.SYNC, key: 'synced-garbage' })
    for (let id = 10; id <= 13; id++) {
      const res = await s.response(id)
      assert.equal(res.status, Status.ERROR, `SYNC ${id}`)
      assert.equal(res.code, 'ERR_PROTOCOL', `SYNC ${id}`)
    }
    await s.sendRequest({ id: 20, type: RequestType.GET, key: 'known' })
    const get = await s.response(20)
    assert.equal(get.status, Status.OK)
    assert.deepEqual(decodeRecord(get.record as Uint8Array, { maxValueBytes: 1 << 20 }).entries.flatMap(e => e.values).map(v => text(v.value as Uint8Array)), ['known-value'])
    assert.equal(await a.localRecord('synced-garbage'), undefined)
    assert.equal(s.end, undefined)
  })

  test('a SYNC or PUT for a key no client could use (empty, over MAX_KEY_BYTES): an ERROR reply, nothing stored', async () => {
    const s = await open()
    const record = encodeRecord({ entries: [{ actor: 'intruder', counter: 1, values: [{ value: bytes('x'), timestamp: 1 }] }], anonymous: [] }) as Uint8Array<ArrayBuffer>
    const huge = 'k'.repeat(MAX_KEY_BYTES * 64)
    await s.sendRequest({ id: 1, type: RequestType.SYNC, key: '', record })
    await s.sendRequest({ id: 2, type: RequestType.SYNC, key: huge, record })
    await s.sendRequest({ id: 3, type: RequestType.PUT, key: huge, value: bytes('x') as Uint8Array<ArrayBuffer>, n: 1, w: 1, timeout: 2000 })
    const outcomes: string[] = []
    for (const id of [1, 2, 3]) {
      const res = await s.response(id)
      outcomes.push(res.status === Status.ERROR ? res.code : `${String(res.status)} (stored: ${await a.localRecord(id === 1 ? '' : huge) !== undefined ? 'yes' : 'no'})`)
    }
    assert.ok(outcomes.every(o => o === 'ERR_INVALID_KEY' || o === 'ERR_PROTOCOL'),
      `SYNC empty key, SYNC ${huge.length}-byte key, PUT ${huge.length}-byte key answered: ${outcomes.join('; ')}`)
    assert.equal(await a.localRecord(''), undefined)
    assert.equal(await a.localRecord(huge), undefined)
  })

  test('a PUT naming too many context writes, or one of the wrong size: ERR_PROTOCOL, nothing stored', async () => {
    const s = await open()
    const ref = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(n)
    await s.sendRequest({ id: 31, type: RequestType.PUT, key: 'ctx-many', value: bytes('x') as Uint8Array<ArrayBuffer>, n: 1, w: 1, timeout: 2000, contextWrites: Array.from({ length: 17 }, () => ref(24)) })
    await s.sendRequest({ id: 32, type: RequestType.PUT, key: 'ctx-short', value: bytes('x') as Uint8Array<ArrayBuffer>, n: 1, w: 1, timeout: 2000, contextWrites: [ref(23)] })
    for (const id of [31, 32]) {
      const res = await s.response(id)
      assert.equal(res.status, Status.ERROR)
      assert.equal(res.code, 'ERR_PROTOCOL')
    }
    assert.equal(await a.localRecord('ctx-many'), undefined)
    assert.equal(await a.localRecord('ctx-short'), undefined)
    assert.equal(s.end, undefined)
  })

  test('500 pipelined GETs on one stream are all answered, each by its id', async () => {
    for (let i = 0; i < 10; i++) await a.put(`pipelined-${i}`, bytes(`p${i}`), { w: 2 })
    const s = await open()
    const count = 500
    const keyOf = (id: number): string => id % 2 === 0 ? `pipelined-${id % 10}` : `missing-${id}`
    const frames = new Uint8ArrayList()
    for (let id = 1; id <= count; id++) {
      // half in one burst, half one send each
      const frame = Request.encode({ id, type: RequestType.GET, key: keyOf(id) })
      if (id <= count / 2) frames.append(varintBytes(frame.byteLength), frame)
      else await s.sendFrame(frame)
      if (id === count / 2) await s.sendRaw(frames)
    }
    const responses = await s.collect(count, 15_000)
    assert.equal(responses.length, count)
    const ids = new Set(responses.map(r => r.id))
    assert.equal(ids.size, count, 'no id answered twice')
    for (let id = 1; id <= count; id++) assert.ok(ids.has(id), `id ${id} answered`)
    for (const res of responses) {
      if (res.id % 2 === 0) {
        assert.equal(res.status, Status.OK, `GET ${keyOf(res.id)}`)
        const rec = decodeRecord(res.record as Uint8Array, { maxValueBytes: 1 << 20 })
        assert.deepEqual(rec.entries.flatMap(e => e.values).map(v => text(v.value as Uint8Array)), [`p${res.id % 10}`])
      } else {
        assert.equal(res.status, Status.NOT_FOUND, `GET ${keyOf(res.id)}`)
        assert.equal(res.record, undefined)
      }
    }
    assert.equal(s.end, undefined)
  })

  test('a client that half-closes after its requests still gets every answer, then the stream ends cleanly', async () => {
    const s = await open()
    for (let id = 1; id <= 20; id++) await s.sendRequest({ id, type: RequestType.GET, key: 'known' })
    await s.stream.close({ signal: AbortSignal.timeout(5_000) })
    await s.collect(20)
    await s.remoteDone()
    const end = await s.ended()
    assert.equal(end.status, 'closed')
    assert.equal(s.responses.length, 20)
    assert.ok(s.responses.every(r => r.status === Status.OK))
  })

  test('afterwards the peer serves normal traffic, and counted each aborted stream', async () => {
    const put = await b.put('after-garbage', bytes('fine'), { w: 2 })
    assert.ok(put.acked.includes(a.peerId), 'the attacked peer acknowledged the write')
    assert.deepEqual((await b.get('after-garbage', { r: 2 })).values.map(text), ['fine'])
    assert.deepEqual((await a.get('after-garbage', { r: 2 })).values.map(text), ['fine'])
    await a.put('after-garbage', bytes('fine-2'), { context: put.context, w: 2 })
    assert.deepEqual((await b.get('after-garbage', { r: 2 })).values.map(text), ['fine-2'])
    // a fresh raw stream is served too
    const s = await open()
    await s.sendRequest({ id: 1, type: RequestType.GET, key: 'after-garbage' })
    assert.equal((await s.response(1)).status, Status.OK)
    const aborted = streams.filter(x => x.resetByRemote).length
    assert.ok(aborted >= 4, `at least the four bad-frame streams were aborted (saw ${aborted})`)
    assert.equal(a.metrics.counter(BAD_FRAMES) - badFramesBefore, aborted, 'one bad-frame count per aborted stream')
    assert.match(a.metrics.render(), /meshkv_rpc_bad_frames_total \d+/)
  })
})
