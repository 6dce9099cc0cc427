/**
 * A hostile or broken peer on the anti-entropy protocol: undecodable frames,
 * unknown request types, oversized and malformed requests get a typed ERROR
 * reply on a stream that goes on; a broken length prefix costs that stream
 * only; the peer keeps serving (ae and kv).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { aeProtocol } from '../../src/constants.js'
import { encodeFrame, frameDecoder } from '../../src/protocol/frames.js'
import { Request, Response, Status } from '../../src/antientropy/pb/ae.js'
import { AeRequestType, MAX_ARCS } from '../../src/antientropy/wire.js'
import { startCluster, bytes, text } from '../fixtures/cluster.js'
import { createRawHost, varintBytes } from '../fixtures/raw-stream.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { Libp2p, Stream, StreamMessageEvent } from '@libp2p/interface'

/** a raw ae stream: frames out, decoded replies in */
class AeRaw {
  readonly replies: Response[] = []
  ended = false
  private wake = (): void => {}

  constructor (readonly stream: Stream) {
    const decoder = frameDecoder(8 * 1024 * 1024)
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      for (const f of decoder.decode(evt.data)) this.replies.push(Response.decode(f))
      this.wake()
    })
    stream.addEventListener('close', () => { this.ended = true; this.wake() })
  }

  send (body: Uint8Array): void {
    this.stream.send(encodeFrame(body))
  }

  async next (count: number, timeoutMs = 5_000): Promise<Response> {
    const until = Date.now() + timeoutMs
    while (this.replies.length < count && !this.ended && Date.now() < until) {
      await new Promise<void>(resolve => { this.wake = resolve; setTimeout(resolve, 50) })
    }
    if (this.replies.length < count) throw new Error(`no reply ${count} (ended: ${this.ended})`)
    return this.replies[count - 1]
  }
}

describe('the ae protocol under garbage', () => {
  let cluster: TestCluster
  let a: MeshNode
  let raw: Libp2p

  const open = async (): Promise<AeRaw> => new AeRaw(await raw.dialProtocol(peerIdFromString(a.peerId), aeProtocol('test'), { signal: AbortSignal.timeout(5_000) }))

  before(async () => {
    cluster = await startCluster(2, { n: 2, r: 1, w: 1, antiEntropyIntervalMs: 0 })
    await cluster.converged(2)
    a = cluster.nodes[0]
    raw = await createRawHost()
    await raw.dial(a.libp2p.getMultiaddrs()[0])
    await a.put('known', bytes('known-value'), { w: 2 })
  })

  after(async () => {
    await raw?.stop()
    await cluster?.stop()
  })

  test('bad requests get ERROR replies and the stream goes on', async () => {
    const s = await open()
    s.send(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x01)) // not protobuf
    let res = await s.next(1)
    assert.equal(res.status, Status.ERROR)
    assert.equal(res.code, 'ERR_PROTOCOL')
    s.send(Request.encode({ id: 2, type: 99 }))
    res = await s.next(2)
    assert.equal(res.id, 2)
    assert.equal(res.code, 'ERR_PROTOCOL')
    s.send(Request.encode({ id: 3, type: AeRequestType.HASHES, arcs: Array.from({ length: MAX_ARCS + 1 }, () => ({ start: 0n, end: 0n })) }))
    res = await s.next(3)
    assert.equal(res.code, 'ERR_PROTOCOL')
    s.send(Request.encode({ id: 4, type: AeRequestType.PUSH, records: [{ key: 'known', record: Uint8Array.of(1, 2, 3, 4, 5) }] }))
    res = await s.next(4)
    assert.equal(res.id, 4)
    assert.equal(res.code, 'ERR_PROTOCOL')
    s.send(Request.encode({ id: 5, type: AeRequestType.PUSH, records: [{ key: 'no record' }] }))
    assert.equal((await s.next(5)).code, 'ERR_PROTOCOL')
    // and a good request on the same stream is answered
    s.send(Request.encode({ id: 6, type: AeRequestType.HASHES, arcs: [{ start: 0n, end: 0n }] }))
    res = await s.next(6)
    assert.equal(res.status, Status.OK)
    assert.equal(res.summaries.length, 1)
    assert.equal(res.summaries[0].count, 1)
    s.send(Request.encode({ id: 7, type: AeRequestType.KEYS, arcs: [{ start: 0n, end: 0n }] }))
    res = await s.next(7)
    assert.deepEqual(res.lists[0].keys.map(k => k.key), ['known'])
    // the record it pushed was refused: the stored one is as it was
    assert.equal(text((await a.get('known')).values[0]), 'known-value')
  })

  test('a broken length prefix costs that stream only; the peer keeps serving', async () => {
    const s = await open()
    s.stream.send(varintBytes(2 ** 31))
    await s.next(1, 3_000).catch(() => {})
    assert.ok(s.ended || s.stream.status !== 'open')
    const t = await open()
    t.send(Request.encode({ id: 1, type: AeRequestType.HASHES, arcs: [{ start: 0n, end: 0n }] }))
    assert.equal((await t.next(1)).status, Status.OK)
    assert.equal(text((await a.get('known')).values[0]), 'known-value')
    const report = await cluster.nodes[1].antiEntropyNow(a.peerId)
    assert.equal(report.keysSent + report.keysReceived, 0)
  })
})
