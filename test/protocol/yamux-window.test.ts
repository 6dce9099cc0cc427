/**
 * src/yamux-window.ts: a stream that receives many small messages sends a
 * window update only once half its receive window is used, not one per
 * message; and a transfer many windows long still flows (the sender never
 * stalls waiting for an update).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { startCluster } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

const ECHO = '/meshkv-test/yamux-echo/1.0.0'
const SINK = '/meshkv-test/yamux-sink/1.0.0'
/** yamux frame type 1: window update */
const WINDOW_UPDATE = 1

describe('yamux window updates', () => {
  let cluster: TestCluster
  const updates: number[] = []
  let sunk = 0

  /** count the window updates a server-side stream sends */
  function counting (stream: Stream): void {
    const s = stream as unknown as { sendFrame: (header: { type: number }, data?: unknown) => boolean }
    const send = s.sendFrame
    assert.equal(typeof send, 'function', 'the stream is a yamux stream')
    s.sendFrame = (header, data) => {
      if (header.type === WINDOW_UPDATE) updates.push(1)
      return send(header, data)
    }
  }

  before(async () => {
    cluster = await startCluster(2, { n: 1, r: 1, w: 1 })
    const b = cluster.nodes[1]
    await b.libp2p.handle(ECHO, stream => {
      counting(stream)
      stream.addEventListener('message', (evt: StreamMessageEvent) => { stream.send(evt.data) })
    })
    await b.libp2p.handle(SINK, stream => {
      stream.addEventListener('message', (evt: StreamMessageEvent) => { sunk += evt.data.byteLength })
    })
  })
  after(async () => { await cluster?.stop() })

  test('100 small messages, one at a time: a handful of window updates, not one per message', async () => {
    const [a, b] = cluster.nodes
    const stream = await a.libp2p.dialProtocol(multiaddr(b.multiaddrs()[0]), ECHO, { signal: AbortSignal.timeout(5_000) })
    for (let i = 0; i < 100; i++) {
      const echoed = new Promise<void>(resolve => { stream.addEventListener('message', () => { resolve() }, { once: true }) })
      stream.send(new Uint8Array(200).fill(i))
      await echoed
    }
    assert.ok(updates.length <= 5, `${updates.length} window updates for 100 messages`)
    await stream.close()
  })

  test('8 MB through one stream arrives whole (the sender is never left without window)', async () => {
    const [a, b] = cluster.nodes
    const stream = await a.libp2p.dialProtocol(multiaddr(b.multiaddrs()[0]), SINK, { signal: AbortSignal.timeout(5_000) })
    const chunk = new Uint8Array(64 * 1024).fill(7)
    for (let i = 0; i < 128; i++) {
      if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(10_000) })
    }
    const deadline = Date.now() + 20_000
    while (sunk < 128 * chunk.byteLength && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
    assert.equal(sunk, 128 * chunk.byteLength)
    await stream.close()
  })
})
