/**
 * The kv server's outgoing frame bound: a reply that would be over it (a
 * record stored before records were bounded, say) is replaced by a typed
 * ERR_RECORD_TOO_LARGE reply to that request, and the stream goes on.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_FRAME_BYTES } from '../../src/constants.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { KvMetrics } from '../../src/protocol/metrics.js'
import { PeerChannel } from '../../src/protocol/peer-channel.js'
import { serveStream } from '../../src/protocol/kv-server.js'
import { Request, Response, Status } from '../../src/protocol/pb/kv.js'
import { encodeFrame, FrameDecoder } from '../../src/protocol/frames.js'
import { openRaw } from '../fixtures/raw-stream.js'
import { Uint8ArrayList } from 'uint8arraylist'
import { RequestType } from '../../src/protocol/request-type.js'
import { startCluster } from '../fixtures/cluster.js'
import type { KvService } from '../../src/protocol/service.js'
import type { KvRecord } from '../../src/store/record.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { Stream } from '@libp2p/interface'

const PROTOCOL = '/meshkv-test/oversized-replies/1.0.0'
const log = defaultLogger().forComponent('meshkv:test:kv-server')

/** A replica whose key "big" holds a record of three siblings of `valueBytes` each. */
function service (valueBytes: number): KvService {
  const sibling = (i: number): KvRecord['entries'][number]['values'][number] => ({ value: new Uint8Array(valueBytes).fill(i), timestamp: 1 })
  const big: KvRecord = { entries: [{ actor: 'peer-x', counter: 3, values: [sibling(1), sibling(2), sibling(3)] }], anonymous: [] }
  const small: KvRecord = { entries: [{ actor: 'peer-x', counter: 1, values: [{ value: Uint8Array.of(1), timestamp: 1 }] }], anonymous: [] }
  return {
    maxValueBytes: valueBytes,
    localGet: async key => key === 'big' ? big : small,
    localSync: async (_key, record) => record,
    coordinatePut: async () => ({ acked: [], record: small })
  }
}

describe('kv server reply size', () => {
  let cluster: TestCluster
  const streams: Stream[] = []
  let ch: PeerChannel
  before(async () => {
    cluster = await startCluster(2, { n: 1, r: 1, w: 1 })
    const [a, b] = cluster.nodes
    await b.libp2p.handle(PROTOCOL, stream => {
      streams.push(stream)
      serveStream(stream, { service: service(MAX_FRAME_BYTES / 2), log, metrics: new KvMetrics(new MetricsRegistry()) })
    })
    ch = new PeerChannel(async signal => a.libp2p.dialProtocol(multiaddr(b.multiaddrs()[0]), PROTOCOL, { signal }), log)
  })
  after(async () => {
    await ch?.close()
    await cluster?.stop()
  })

  test('a GET whose reply would be over the frame bound gets ERR_RECORD_TOO_LARGE; other requests on the stream are answered', async () => {
    const [big, ...small] = await Promise.all([
      ch.request({ type: RequestType.GET, key: 'big' }, 10_000),
      ...Array.from({ length: 20 }, async () => ch.request({ type: RequestType.GET, key: 'small' }, 10_000))
    ])
    assert.equal(big.status, Status.ERROR)
    assert.equal(big.code, 'ERR_RECORD_TOO_LARGE')
    assert.match(big.message, /over the frame limit/)
    assert.ok(small.every(r => r.status === Status.OK && r.record !== undefined))
    assert.equal(streams.length, 1)
    assert.equal(streams[0].status, 'open')
  })

  test('replies finished in one turn go out as one write, each under its own id', async () => {
    const raw = await openRaw(cluster.nodes[0].libp2p, multiaddr(cluster.nodes[1].multiaddrs()[0]), PROTOCOL)
    let writes = 0
    raw.stream.addEventListener('message', () => { writes++ })
    const ids = Array.from({ length: 30 }, (_, i) => i + 1)
    await raw.sendRaw(new Uint8ArrayList(...ids.map(id => encodeFrame(Request.encode({ id, type: RequestType.GET, key: 'small' })))))
    const replies = await raw.collect(ids.length)
    assert.deepEqual(replies.map(r => r.id).sort((x, y) => x - y), ids)
    assert.ok(replies.every(r => r.status === Status.OK))
    assert.ok(writes <= 2, `30 replies ready in one turn came in ${writes} writes`)
    await raw.close()
  })
})

describe('kv server and a peer that stops reading', () => {
  let cluster: TestCluster
  const streams: Stream[] = []
  const VALUE_BYTES = 1024 * 1024
  const value: KvRecord = { entries: [{ actor: 'peer-x', counter: 1, values: [{ value: new Uint8Array(VALUE_BYTES).fill(7), timestamp: 1 }] }], anonymous: [] }
  before(async () => {
    cluster = await startCluster(2, { n: 1, r: 1, w: 1 })
    await cluster.nodes[1].libp2p.handle(PROTOCOL, stream => {
      streams.push(stream)
      serveStream(stream, {
        service: { maxValueBytes: VALUE_BYTES, localGet: async () => value, localSync: async (_key, record) => record, coordinatePut: async () => ({ acked: [], record: value }) },
        log,
        metrics: new KvMetrics(new MetricsRegistry())
      })
    })
  })
  after(async () => {
    await cluster?.stop()
  })

  test('replies wait for the peer to read: what the server queues stays bounded, and every request is answered once it reads again', async () => {
    const raw = await openRaw(cluster.nodes[0].libp2p, multiaddr(cluster.nodes[1].multiaddrs()[0]), PROTOCOL)
    // replies decoded as they come, however many arrive at once
    const replies: Response[] = []
    const decoder = new FrameDecoder(MAX_FRAME_BYTES)
    raw.stream.addEventListener('message', evt => { for (const frame of decoder.decode(evt.data)) replies.push(Response.decode(frame)) })
    // this end reads nothing: yamux stops granting the server window
    raw.stream.pause()
    const ids = Array.from({ length: 40 }, (_, i) => i + 1)
    // one request per delivery, each asking for a 1 MB reply
    for (const id of ids) {
      raw.stream.send(encodeFrame(Request.encode({ id, type: RequestType.GET, key: 'k' })))
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    await new Promise(resolve => setTimeout(resolve, 500))
    const queued = streams[0].writeBufferLength
    assert.ok(queued <= 4 * VALUE_BYTES, `the server queued ${queued} bytes of replies for a peer that reads nothing`)
    raw.stream.resume()
    const deadline = Date.now() + 30_000
    while (replies.length < ids.length && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
    assert.deepEqual(replies.map(r => r.id).sort((x, y) => x - y), ids)
    assert.ok(replies.every(r => r.status === Status.OK && r.record?.byteLength !== undefined && r.record.byteLength > VALUE_BYTES))
    await raw.close()
  })

  test('a peer that sends its requests and closes its write side at once gets every one answered before the stream closes', async () => {
    const raw = await openRaw(cluster.nodes[0].libp2p, multiaddr(cluster.nodes[1].multiaddrs()[0]), PROTOCOL)
    const replies: Response[] = []
    const decoder = new FrameDecoder(MAX_FRAME_BYTES)
    raw.stream.addEventListener('message', evt => { for (const frame of decoder.decode(evt.data)) replies.push(Response.decode(frame)) })
    const ids = Array.from({ length: 20 }, (_, i) => i + 1)
    raw.stream.send(new Uint8ArrayList(...ids.map(id => encodeFrame(Request.encode({ id, type: RequestType.GET, key: 'k' })))))
    const closing = raw.stream.close({ signal: AbortSignal.timeout(20_000) }).catch(() => {})
    await raw.ended(20_000)
    await closing
    assert.deepEqual(replies.map(r => r.id).sort((x, y) => x - y), ids)
  })
})
