/**
 * The range-transfer wire: a pull streams the records of the arcs asked
 * for in bounded batches from a cursor; malformed frames on either side get
 * a clear error and crash nobody.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { MAX_FRAME_BYTES, transferProtocol } from '../../src/constants.js'
import { ArcSet, inAnyArc } from '../../src/handoff/arc-set.js'
import { FrameReader } from '../../src/handoff/frame-reader.js'
import { PullReply, PullRequest } from '../../src/handoff/pb/transfer.js'
import { pullArcs } from '../../src/handoff/transfer-receiver.js'
import { encodeFrame } from '../../src/protocol/frames.js'
import { hash64 } from '../../src/ring/index.js'
import { createRawHost } from '../fixtures/raw-stream.js'
import { bytes, startCluster } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { Libp2p } from '@libp2p/interface'
import type { KvRecord } from '../../src/store/record.js'

const PROTOCOL = transferProtocol('test')
const WHOLE = { start: 0n, end: 0n }
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })

test('ArcSet answers as inRange over every arc (wrapping arcs, whole ring)', () => {
  fc.assert(fc.property(fc.array(fc.record({ start: u64, end: u64 }), { maxLength: 12 }), fc.array(u64, { maxLength: 40 }), (arcs, points) => {
    const set = new ArcSet(arcs)
    for (const p of [...points, ...arcs.flatMap(a => [a.start, a.end, (a.start + 1n) % (1n << 64n)])]) {
      assert.equal(set.has(p), inAnyArc(p, arcs), `position ${p}`)
    }
  }), { numRuns: 500 })
})

describe('range transfer between a holder and a puller', () => {
  let cluster: TestCluster
  let host: Libp2p
  before(async () => {
    cluster = await startCluster(1, { n: 1, r: 1, w: 1 })
    for (let i = 0; i < 200; i++) await cluster.nodes[0].put(`key-${i}`, bytes(`value-${i}`.padEnd(200, '.')))
    host = await createRawHost()
  })
  after(async () => {
    await host?.stop()
    await cluster?.stop()
  })

  async function pull (arcs: Array<{ start: bigint, end: bigint }>, batchBytes: number, after?: string): Promise<{ keys: string[], batches: number }> {
    const keys: string[] = []
    let batches = 0
    await pullArcs({
      libp2p: host,
      protocol: PROTOCOL,
      holder: cluster.nodes[0].peerId,
      arcs,
      after,
      batchBytes,
      timeoutMs: 5_000,
      maxValueBytes: 1 << 20,
      merge: async (key: string, _r: KvRecord) => { keys.push(key) },
      onBatch: async () => { batches++ }
    })
    return { keys, batches }
  }

  test('a pull of the whole ring gets every record, in batches bounded in bytes', async () => {
    await host.peerStore.merge(cluster.nodes[0].libp2p.peerId, { multiaddrs: [multiaddr(cluster.nodes[0].multiaddrs()[0])] })
    const { keys, batches } = await pull([WHOLE], 4096)
    assert.equal(new Set(keys).size, 200)
    assert.ok(batches >= 10, `${batches} batches`)
  })

  test('a pull of some arcs gets exactly the keys whose position is in them', async () => {
    const arcs = [{ start: 0n, end: 1n << 62n }, { start: 3n << 62n, end: 1n << 60n }]
    const { keys } = await pull(arcs, 1 << 20)
    const want = Array.from({ length: 200 }, (_, i) => `key-${i}`).filter(k => inAnyArc(hash64(k), arcs))
    assert.deepEqual(keys.sort(), want.sort())
  })

  test('a pull from a cursor gets only the records after it', async () => {
    const all = await pull([WHOLE], 1 << 20)
    const cursor = all.keys[99]
    const rest = await pull([WHOLE], 1 << 20, cursor)
    assert.deepEqual(rest.keys, all.keys.slice(100))
  })

  test('a malformed request gets an ERR_PROTOCOL reply and the holder goes on serving', async () => {
    for (const [frame, why] of [[Uint8Array.of(0x0a, 0xff, 0xff, 0xff), /malformed transfer request/], [PullRequest.encode({ arcs: [], maxBytes: 10 }), /names no arcs/]] as const) {
      const stream = await host.dialProtocol(cluster.nodes[0].libp2p.peerId, PROTOCOL)
      const reader = new FrameReader(stream, MAX_FRAME_BYTES)
      stream.send(encodeFrame(frame))
      const reply = PullReply.decode(await reader.next(5_000))
      assert.equal(reply.errorCode, 'ERR_PROTOCOL')
      assert.match(reply.error, why)
    }
    // a garbage length prefix: the stream is aborted, nothing else
    const stream = await host.dialProtocol(cluster.nodes[0].libp2p.peerId, PROTOCOL)
    const reader = new FrameReader(stream, MAX_FRAME_BYTES)
    stream.send(new Uint8Array(16).fill(0xff))
    await assert.rejects(reader.next(5_000), /transfer stream|bad transfer frame/)
    assert.equal((await pull([WHOLE], 1 << 20)).keys.length, 200)
  })

  test('a malformed or lying reply fails the pull with a clear error', async () => {
    const liar = await createRawHost()
    try {
      let answer = (): Uint8Array => Uint8Array.of(0x0a, 0xff, 0xff)
      await liar.handle(PROTOCOL, (stream) => {
        stream.addEventListener('message', () => { stream.send(encodeFrame(answer())) })
      })
      await host.peerStore.merge(liar.peerId, { multiaddrs: liar.getMultiaddrs() })
      const args = { libp2p: host, protocol: PROTOCOL, holder: liar.peerId.toString(), batchBytes: 1024, timeoutMs: 2_000, maxValueBytes: 1024, merge: async () => {}, onBatch: async () => {} }
      await assert.rejects(pullArcs({ ...args, arcs: [WHOLE] }), /malformed transfer reply/)
      const outside = Array.from({ length: 100 }, (_, i) => `k${i}`).find(k => hash64(k) > 1n << 63n) as string
      answer = () => PullReply.encode({ entries: [{ key: outside, record: new Uint8Array() }], done: true, errorCode: '', error: '' })
      await assert.rejects(pullArcs({ ...args, arcs: [{ start: 0n, end: 1n << 62n }] }), /outside the arcs/)
    } finally {
      await liar.stop()
    }
  })
})
