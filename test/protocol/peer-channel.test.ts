/**
 * PeerChannel between two real nodes, against test protocols served on the
 * remote's libp2p: one that never answers, one that answers, ones that close
 * or reset their stream. Requests settle within their deadline, a stream the
 * remote ended is replaced on the next request, and close() settles what is
 * pending.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_FRAME_BYTES, MAX_INFLIGHT_PER_PEER } from '../../src/constants.js'
import { PeerChannel } from '../../src/protocol/peer-channel.js'
import { Request, Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { frameDecoder } from '../../src/protocol/frames.js'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import { reply, serveFrames } from '../fixtures/raw-stream.js'
import type { StreamOpener } from '../../src/protocol/peer-channel.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

const SILENT = '/meshkv-test/silent/1.0.0'
const ECHO = '/meshkv-test/echo/1.0.0'
const ANSWER_ONCE_THEN_CLOSE = '/meshkv-test/answer-once-then-close/1.0.0'
const RESET_FIRST_STREAM = '/meshkv-test/reset-first-stream/1.0.0'
const BAD_REPLY = '/meshkv-test/bad-reply/1.0.0'
const COUNT_WRITES = '/meshkv-test/count-writes/1.0.0'

const log = defaultLogger().forComponent('meshkv:test:peer-channel')
const GET = { type: RequestType.GET, key: 'k' }

describe('PeerChannel', () => {
  let cluster: TestCluster
  let a: MeshNode
  let b: MeshNode
  const channels: PeerChannel[] = []
  const served: Record<string, Stream[]> = {}
  let writesSeen = 0
  const keysSeen: string[] = []

  /** A channel from a to one of b's test protocols; `opened` lists the streams it opened. */
  function channel (protocol: string, delayMs = 0): { ch: PeerChannel, opened: Stream[], onOpened: () => number } {
    const opened: Stream[] = []
    let count = 0
    const target = multiaddr(b.multiaddrs()[0])
    const opener: StreamOpener = async signal => {
      if (delayMs > 0) await delay(delayMs, undefined, { signal })
      const stream = await a.libp2p.dialProtocol(target, protocol, { signal })
      opened.push(stream)
      return stream
    }
    const ch = new PeerChannel(opener, log, () => { count++ })
    channels.push(ch)
    return { ch, opened, onOpened: () => count }
  }

  before(async () => {
    cluster = await startCluster(2, { n: 1, r: 1, w: 1 })
    ;[a, b] = cluster.nodes
    served[SILENT] = await serveFrames(b.libp2p, SILENT, () => {})
    served[ECHO] = await serveFrames(b.libp2p, ECHO, (req, stream) => {
      reply(stream, { id: req.id, status: Status.OK, message: req.key })
    })
    served[ANSWER_ONCE_THEN_CLOSE] = await serveFrames(b.libp2p, ANSWER_ONCE_THEN_CLOSE, (req, stream, index) => {
      if (index > 0) return
      reply(stream, { id: req.id, status: Status.OK, message: 'once' })
      void stream.close().catch(err => { stream.abort(err) })
    })
    let resetStreams = 0
    served[RESET_FIRST_STREAM] = await serveFrames(b.libp2p, RESET_FIRST_STREAM, (req, stream, index) => {
      if (index === 0 && resetStreams++ === 0) {
        stream.abort(new Error('reset by test server'))
        return
      }
      reply(stream, { id: req.id, status: Status.OK })
    })
    // echoes each request, and counts the stream messages (one per write the sender made) its requests came in
    await b.libp2p.handle(COUNT_WRITES, stream => {
      const decoder = frameDecoder(MAX_FRAME_BYTES)
      stream.addEventListener('message', (evt: StreamMessageEvent) => {
        writesSeen++
        for (const frame of decoder.decode(evt.data)) {
          const req = Request.decode(frame)
          keysSeen.push(req.key)
          if (req.key.startsWith('silent')) continue
          reply(stream, { id: req.id, status: Status.OK, message: req.key })
        }
      })
    })
    served[BAD_REPLY] = await serveFrames(b.libp2p, BAD_REPLY, (req, stream) => {
      // a response for an id nobody asked for (ignored), then garbage
      reply(stream, { id: req.id + 1_000_000, status: Status.OK })
      stream.send(Uint8Array.of(3, 0x7f, 0x7f, 0x7f))
    })
  })

  after(async () => {
    await Promise.allSettled(channels.map(async ch => { await ch.close() }))
    await cluster?.stop()
  })

  test('a request over the frame bound is refused before it is sent (ERR_RECORD_TOO_LARGE); the stream and the requests on it go on', async () => {
    const { ch, opened } = channel(ECHO)
    const before = (served[ECHO] ?? []).length
    const inFlight = Array.from({ length: 20 }, async (_, i) => ch.request({ type: RequestType.GET, key: `k${i}` }, 5_000))
    const started = Date.now()
    await assert.rejects(ch.request({ type: RequestType.SYNC, key: 'big', record: new Uint8Array(MAX_FRAME_BYTES) }, 5_000), (err: any) => {
      assert.equal(err.code, 'ERR_RECORD_TOO_LARGE')
      assert.equal(err.name, 'RecordTooLargeError')
      assert.match(err.message, /not sent/)
      return true
    })
    assert.ok(Date.now() - started < 1_000, 'refused at once')
    assert.deepEqual((await Promise.all(inFlight)).map(r => r.message), Array.from({ length: 20 }, (_, i) => `k${i}`))
    // a request just under the bound goes through on the same stream
    const fits = await ch.request({ type: RequestType.SYNC, key: 'fits', record: new Uint8Array(MAX_FRAME_BYTES - 64) }, 10_000)
    assert.equal(fits.message, 'fits')
    assert.equal(opened.length, 1)
    assert.equal(opened[0].status, 'open')
    assert.equal(served[ECHO].length - before, 1, 'one stream at the server, never reset')
    assert.equal(ch.inflight, 0)
  })

  test('a request answered on the open stream; later requests reuse it', async () => {
    const { ch, opened } = channel(ECHO)
    const res = await ch.request({ type: RequestType.GET, key: 'hello' }, 2_000)
    assert.equal(res.status, Status.OK)
    assert.equal(res.message, 'hello')
    const many = await Promise.all(Array.from({ length: 50 }, async (_, i) => ch.request({ type: RequestType.GET, key: `k${i}` }, 2_000)))
    assert.deepEqual(many.map(r => r.message), Array.from({ length: 50 }, (_, i) => `k${i}`))
    assert.equal(opened.length, 1, 'one stream for every request')
    assert.equal(ch.inflight, 0)
  })

  test('requests made ready in one turn go out as one write, in the order they were made, and each keeps its own deadline', async () => {
    const { ch } = channel(COUNT_WRITES)
    await ch.request({ type: RequestType.GET, key: 'warm-up' }, 2_000)
    writesSeen = 0
    keysSeen.length = 0
    const keys = Array.from({ length: 40 }, (_, i) => i % 10 === 9 ? `silent${i}` : `k${i}`)
    const started = Date.now()
    const outcomes = await Promise.all(keys.map(async key => {
      const timeout = key.startsWith('silent') ? 300 : 5_000
      return ch.request({ type: RequestType.GET, key }, timeout).then(r => r.message, (err: any) => ({ code: err.code as string, after: Date.now() - started }))
    }))
    assert.deepEqual(keysSeen, keys, 'every request arrived, in order')
    assert.ok(writesSeen <= 2, `40 requests made in one turn came in ${writesSeen} writes`)
    for (const [i, key] of keys.entries()) {
      if (!key.startsWith('silent')) { assert.equal(outcomes[i], key); continue }
      const out = outcomes[i] as { code: string, after: number }
      assert.equal(out.code, 'ERR_TIMEOUT')
      assert.ok(out.after >= 280 && out.after < 1_500, `an unanswered request gave up after ${out.after} ms, its deadline was 300 ms`)
    }
    assert.equal(ch.inflight, 0)
  })

  test('a remote that never answers: ERR_TIMEOUT within each request\'s deadline', async () => {
    const { ch } = channel(SILENT)
    const deadlines = [200, 400, 700]
    const started = Date.now()
    const outcomes = await Promise.all(deadlines.map(async ms => {
      const err = await ch.request(GET, ms).then(() => undefined, (e: any) => e)
      return { ms, err, took: Date.now() - started }
    }))
    for (const { ms, err, took } of outcomes) {
      assert.ok(err !== undefined, `the ${ms} ms request was answered`)
      assert.equal(err.code, 'ERR_TIMEOUT')
      assert.equal(err.name, 'TimeoutError')
      assert.ok(took >= ms - 20, `the ${ms} ms request gave up early, after ${took} ms`)
      assert.ok(took < ms + 500, `the ${ms} ms request gave up late, after ${took} ms`)
    }
    assert.equal(ch.inflight, 0, 'timed-out requests leave nothing pending')
    // the stream itself is still usable (the remote did nothing wrong)
    await assert.rejects(ch.request(GET, 100), { code: 'ERR_TIMEOUT' })
    assert.equal(served[SILENT].length, 1, 'all on one stream')
  })

  test('after the remote closes the stream, the next request opens a new one', async () => {
    const { ch, opened, onOpened } = channel(ANSWER_ONCE_THEN_CLOSE)
    const first = await ch.request(GET, 2_000)
    assert.equal(first.message, 'once')
    assert.equal(opened.length, 1)
    await waitFor('the remote to close its end', () => opened[0].remoteWriteStatus === 'closed' || opened[0].status !== 'open', 5_000, 10)
    const second = await ch.request(GET, 2_000)
    assert.equal(second.message, 'once')
    assert.equal(opened.length, 2, 'a second stream')
    assert.notEqual(opened[1].id, opened[0].id)
    assert.equal(onOpened(), 2, 'onStreamOpened called once per stream')
    await waitFor('the first stream to be closed at our end too', () => opened[0].status !== 'open', 5_000, 10)
  })

  test('a stream the remote resets fails its pending requests at once (ERR_PROTOCOL), and the next request opens a new one', async () => {
    const { ch, opened } = channel(RESET_FIRST_STREAM)
    const started = Date.now()
    await assert.rejects(ch.request(GET, 5_000), (err: any) => {
      assert.equal(err.code, 'ERR_PROTOCOL')
      assert.match(err.message, /stream to peer ended/)
      return true
    })
    assert.ok(Date.now() - started < 2_000, 'failed when the stream ended, not at the deadline')
    assert.equal(ch.inflight, 0)
    const res = await ch.request(GET, 2_000)
    assert.equal(res.status, Status.OK)
    assert.equal(opened.length, 2)
    assert.equal(opened[0].status, 'reset')
  })

  test('a garbage reply drops the stream and fails the request with ERR_PROTOCOL, not a timeout', async () => {
    const { ch, opened } = channel(BAD_REPLY)
    const started = Date.now()
    await assert.rejects(ch.request(GET, 5_000), { code: 'ERR_PROTOCOL' })
    assert.ok(Date.now() - started < 2_000)
    assert.equal(ch.inflight, 0)
    await waitFor('the stream to be aborted', () => opened[0].status !== 'open', 2_000, 10)
  })

  test('close() rejects pending requests at once, and every later request', async () => {
    const { ch, opened } = channel(SILENT)
    const pending = Array.from({ length: 5 }, async () => ch.request(GET, 10_000))
    await waitFor('the requests to be sent', () => ch.inflight === 5, 2_000, 5)
    const started = Date.now()
    await ch.close()
    for (const p of pending) await assert.rejects(p, { code: 'ERR_PROTOCOL', message: /channel closed/ })
    assert.ok(Date.now() - started < 2_000)
    assert.equal(ch.inflight, 0)
    await assert.rejects(ch.request(GET, 1_000), { code: 'ERR_PROTOCOL', message: /channel closed/ })
    assert.equal(opened.length, 1, 'no stream opened after close')
    assert.notEqual(opened[0].writeStatus, 'writable', 'the stream was closed')
  })

  test('close() while a stream is still opening: the request is rejected and the stream is not left open', async () => {
    const { ch, opened } = channel(ECHO, 300)
    const pending = ch.request(GET, 5_000)
    const outcome = pending.then(() => 'answered', (err: any) => err.code as string)
    await delay(50)
    await ch.close()
    assert.equal(await outcome, 'ERR_PROTOCOL', 'a request on a closed channel must not be sent')
    // whether or not close() cut the open short, no stream may be left open
    await delay(400)
    await waitFor('any stream opened after close() to be closed', () => opened.every(s => s.writeStatus !== 'writable'), 3_000, 10)
    assert.equal(ch.inflight, 0)
  })

  test('two requests share a slow stream open: the shorter deadline does not fail the longer request', async () => {
    const { ch, opened } = channel(ECHO, 400)
    const short = ch.request(GET, 100).then(() => 'answered', (err: any) => err.code as string)
    const long = ch.request(GET, 5_000).then(res => res.status === Status.OK ? 'answered' : 'bad status', (err: any) => `${err.code as string}: ${err.message as string}`)
    assert.equal(await short, 'ERR_TIMEOUT')
    assert.equal(await long, 'answered', 'the 5 s request failed with the 100 ms one\'s dial')
    assert.ok(opened.length >= 1)
  })

  test(`a burst of more than MAX_INFLIGHT_PER_PEER (${MAX_INFLIGHT_PER_PEER}) requests to a silent peer: at most that many in flight, all time out`, async () => {
    const { ch } = channel(SILENT)
    const total = MAX_INFLIGHT_PER_PEER + 200
    const all = Array.from({ length: total }, async () => ch.request(GET, 1_000).then(() => 'answered', (err: any) => err.code as string))
    await delay(300)
    assert.ok(ch.inflight <= MAX_INFLIGHT_PER_PEER, `${ch.inflight} requests in flight, over the bound of ${MAX_INFLIGHT_PER_PEER}`)
    const outcomes = await Promise.all(all)
    assert.ok(outcomes.every(o => o === 'ERR_TIMEOUT'))
    assert.equal(ch.inflight, 0)
  })

  test(`more than MAX_INFLIGHT_PER_PEER requests to a peer that answers: the rest wait for a slot and all are answered`, async () => {
    const { ch, opened } = channel(ECHO)
    const total = MAX_INFLIGHT_PER_PEER + 300
    const all = Array.from({ length: total }, async (_, i) => (await ch.request({ type: RequestType.GET, key: `k${i}` }, 15_000)).message)
    const messages = await Promise.all(all)
    assert.deepEqual(messages, Array.from({ length: total }, (_, i) => `k${i}`))
    assert.equal(ch.inflight, 0)
    assert.equal(opened.length, 1)
  })
})
