/**
 * Review of 0151d93: what a peer sends in a PUT ends up in the stored
 * record (the context's actors) and in replies; none of it may make a key
 * unreadable or a node fail with anything but a typed error.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { kvProtocol } from '../../src/constants.js'
import { Status } from '../../src/protocol/pb/kv.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { remoteError } from '../../src/protocol/remote-error.js'
import { QuorumNotMetError } from '../../src/errors.js'
import { startCluster, bytes, text } from '../fixtures/cluster.js'
import { createRawHost, openRaw } from '../fixtures/raw-stream.js'
import type { RawStream } from '../fixtures/raw-stream.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { Libp2p } from '@libp2p/interface'

describe('a PUT from a peer with a long context actor', () => {
  let cluster: TestCluster
  let a: MeshNode
  let raw: Libp2p
  let s: RawStream | undefined

  before(async () => {
    cluster = await startCluster(1, { n: 1, r: 1, w: 1 })
    a = cluster.nodes[0]
    raw = await createRawHost()
    await raw.dial(a.libp2p.getMultiaddrs()[0])
  })
  after(async () => {
    await s?.close()
    await raw?.stop()
    await cluster?.stop()
  })

  test('is refused (ERR_PROTOCOL) or leaves the key readable: never a key every read fails on', async () => {
    s = await openRaw(raw, peerIdFromString(a.peerId), kvProtocol('test'))
    const actors = ['a'.repeat(300), '中'.repeat(100)]
    for (const [i, actor] of actors.entries()) {
      const key = `long-actor-${i}`
      await s.sendRequest({ id: i + 1, type: RequestType.PUT, key, value: bytes('v') as Uint8Array<ArrayBuffer>, n: 1, w: 1, timeout: 2000, context: [{ actor, counter: 1n }] })
      const res = await s.response(i + 1)
      if (res.status === Status.ERROR) {
        assert.equal(res.code, 'ERR_PROTOCOL', res.message)
        continue
      }
      const got = await a.get(key).then(g => g.values.map(text), (err: Error) => err)
      assert.deepEqual(got, ['v'], `actor of ${actor.length} characters stored; a read of the key now fails: ${String(got)}`)
    }
  })
})

describe('a quorum failure reported by a peer', () => {
  test('keeps its detail, bounded: a peer cannot hand the client megabytes of error text', () => {
    const huge = 'x'.repeat(1_000_000)
    const err = remoteError('12D3KooWpeer', {
      id: 1,
      status: Status.ERROR,
      code: 'ERR_QUORUM_NOT_MET',
      message: huge,
      acked: [],
      context: [],
      same: false,
      quorum: { required: 3, received: 2, available: 3, answered: [huge, 'b'], failed: [{ peer: huge, error: huge }] }
    })
    assert.ok(err instanceof QuorumNotMetError)
    const size = JSON.stringify(err.detail).length + err.message.length
    assert.ok(size < 16_384, `error of ${size} characters`)
  })
})
