/**
 * src/noise-one-write.ts: a message sent on a libp2p stream over TCP is one
 * socket write at the sender (it was two: noise's 2-byte length, then the
 * ciphertext), and messages of any size, over noise's 64 KB message bound
 * included, still arrive whole.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { createHash } from 'node:crypto'
import { createHost } from '../../src/host.js'
import type { Libp2p, Stream, StreamMessageEvent } from '@libp2p/interface'

const ECHO = '/meshkv-test/noise-echo/1.0.0'
const DIGEST = '/meshkv-test/noise-digest/1.0.0'

/** deterministic bytes: the n-th byte of the stream is a function of n */
function pattern (from: number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = ((from + i) * 2654435761) >>> 24
  return out
}

describe('noise: one socket write per message', () => {
  let a: Libp2p
  let b: Libp2p
  let stream: Stream
  const writes: number[] = []
  let counting = false
  const stock = net.Socket.prototype.write
  const received: number[] = []

  before(async () => {
    net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
      if (counting) writes.push((chunk as Uint8Array).byteLength)
      return (stock as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof stock
    a = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    b = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    await b.handle(ECHO, s => {
      s.addEventListener('message', (evt: StreamMessageEvent) => { received.push(evt.data.byteLength) })
    })
    await b.handle(DIGEST, async s => {
      const hash = createHash('sha256')
      let n = 0
      for await (const chunk of s) {
        hash.update(chunk.subarray())
        n += chunk.byteLength
      }
      digests.push({ n, digest: hash.digest('hex') })
    })
    stream = await a.dialProtocol(b.getMultiaddrs()[0], ECHO, { signal: AbortSignal.timeout(10_000) })
  })
  const digests: Array<{ n: number, digest: string }> = []
  after(async () => {
    net.Socket.prototype.write = stock
    await a?.stop()
    await b?.stop()
  })

  async function settle (): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, 150))
  }

  test('a 1,000-byte message: one socket write of length, yamux header, message and tag', async () => {
    await settle()
    writes.length = 0
    counting = true
    stream.send(new Uint8Array(1000).fill(1))
    await settle()
    counting = false
    assert.deepEqual(writes, [2 + 12 + 1000 + 16], 'stock noise wrote [2, 1028]')
  })

  test('messages up to 200 KB arrive whole', async () => {
    received.length = 0
    let sent = 0
    for (const size of [1, 1199, 1200, 65_519, 65_520, 200_000]) {
      stream.send(new Uint8Array(size).fill(size & 0xff))
      sent += size
    }
    const deadline = Date.now() + 10_000
    while (received.reduce((n, x) => n + x, 0) < sent && Date.now() < deadline) await settle()
    assert.equal(received.reduce((n, x) => n + x, 0), sent)
  })

  test('messages at and around noise\'s bound, under backpressure, arrive intact and in order; close sends what is pending', async () => {
    const sizes = [65_535, 65_519, 65_520, 65_536, 131_070, 131_071, 1, 7_777, 300_000]
    const s = await a.dialProtocol(b.getMultiaddrs()[0], DIGEST, { signal: AbortSignal.timeout(10_000) })
    const hash = createHash('sha256')
    let at = 0
    let waits = 0
    for (let i = 0; at < 6_000_000; i++) {
      const msg = pattern(at, sizes[i % sizes.length])
      hash.update(msg)
      at += msg.byteLength
      if (!s.send(msg)) {
        waits++
        // every other time, keep sending past a full buffer: it is queued, not lost
        if (waits % 2 === 0) continue
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => { reject(new Error('no drain in 10 s')) }, 10_000)
          s.addEventListener('drain', () => { clearTimeout(timer); resolve() }, { once: true })
        })
      }
    }
    await s.close({ signal: AbortSignal.timeout(20_000) })
    const deadline = Date.now() + 20_000
    while (digests.length === 0 && Date.now() < deadline) await settle()
    assert.ok(waits > 0, 'send() never returned false: no backpressure was exercised')
    assert.deepEqual(digests, [{ n: at, digest: hash.digest('hex') }])
  })

  test('a stream aborted with megabytes pending leaves the connection\'s framing whole: the next stream on it arrives intact', async () => {
    const before = digests.length
    const doomed = await a.dialProtocol(b.getMultiaddrs()[0], DIGEST, { signal: AbortSignal.timeout(10_000) })
    for (let i = 0; i < 40; i++) doomed.send(pattern(i, 100_000))
    doomed.abort(new Error('given up'))
    const s = await a.dialProtocol(b.getMultiaddrs()[0], DIGEST, { signal: AbortSignal.timeout(10_000) })
    assert.equal(s.id === doomed.id, false)
    const hash = createHash('sha256')
    let at = 0
    for (let i = 0; i < 20; i++) {
      const msg = pattern(at, 65_537)
      hash.update(msg)
      at += msg.byteLength
      if (!s.send(msg)) await new Promise<void>(resolve => { s.addEventListener('drain', () => { resolve() }, { once: true }) })
    }
    await s.close({ signal: AbortSignal.timeout(20_000) })
    const deadline = Date.now() + 20_000
    while (digests.length === before && Date.now() < deadline) await settle()
    assert.deepEqual(digests.slice(before), [{ n: at, digest: hash.digest('hex') }])
    assert.equal(a.getConnections(b.peerId).length, 1, 'the connection was torn down')
  })

  test('a zero-length send writes nothing and the next message arrives whole', async () => {
    await settle()
    received.length = 0
    writes.length = 0
    counting = true
    assert.equal(stream.send(new Uint8Array(0)), true)
    await settle()
    assert.deepEqual(writes, [], 'an empty send reached the socket')
    stream.send(Uint8Array.of(1, 2, 3))
    await settle()
    counting = false
    assert.deepEqual(received, [3])
    assert.deepEqual(writes, [2 + 12 + 3 + 16])
  })
})
