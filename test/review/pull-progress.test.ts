/**
 * A holder that answers every pull with no records, not done, and the same
 * cursor would keep a joiner pulling forever (each reply has a deadline,
 * the pull as a whole none): the join never ends. A reply that does not
 * move the cursor fails the pull, and the arcs go to their next holder.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { transferProtocol } from '../../src/constants.js'
import { PullReply } from '../../src/handoff/pb/transfer.js'
import { pullArcs } from '../../src/handoff/transfer-receiver.js'
import { encodeFrame } from '../../src/protocol/frames.js'
import { createRawHost } from '../fixtures/raw-stream.js'

const PROTOCOL = transferProtocol('test')

test('a holder whose replies never move the cursor fails the pull', async () => {
  const host = await createRawHost()
  const liar = await createRawHost()
  const stop = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await liar.handle(PROTOCOL, (stream) => {
      stream.addEventListener('message', () => { stream.send(encodeFrame(PullReply.encode({ entries: [], next: 'same', done: false, errorCode: '', error: '' }))) })
    })
    await host.peerStore.merge(liar.peerId, { multiaddrs: liar.getMultiaddrs() })
    let batches = 0
    const pull = pullArcs({
      libp2p: host,
      protocol: PROTOCOL,
      holder: liar.peerId.toString(),
      arcs: [{ start: 0n, end: 0n }],
      batchBytes: 1024,
      timeoutMs: 2_000,
      maxValueBytes: 1024,
      merge: async () => {},
      onBatch: async () => { batches++ },
      signal: stop.signal
    })
    const stuck = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`still pulling after ${batches} empty batches`)) }, 5_000) })
    await assert.rejects(Promise.race([pull, stuck]), /no progress/)
  } finally {
    clearTimeout(timer)
    stop.abort()
    await liar.stop()
    await host.stop()
  }
})
