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
import { createHost } from '../../src/host.js'
import type { Libp2p, Stream, StreamMessageEvent } from '@libp2p/interface'

const ECHO = '/meshkv-test/noise-echo/1.0.0'

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
    stream = await a.dialProtocol(b.getMultiaddrs()[0], ECHO, { signal: AbortSignal.timeout(10_000) })
  })
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
})
