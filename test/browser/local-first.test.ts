/**
 * The local-first layer of a browser tab (src/browser/local-first.ts), in
 * Node over real peers: a capacity-0 peer (an observer, as a tab is by
 * default) coordinates for a daemon-like peer; with that peer gone it
 * answers reads from its copy, marked stale, queues writes up to a bound,
 * and sends them when the peer is back. A queued write carries the context
 * it was made with, so it becomes a sibling of what was written meanwhile.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { MeshNode } from '../../src/node.js'
import { LocalFirst } from '../../src/browser/local-first.js'
import { LocalStore } from '../../src/browser/local-store.js'
import { FAST_MEMBERSHIP, bytes, tempDir, text, waitFor } from '../fixtures/cluster.js'
import { freePort } from '../fixtures/daemon.js'
import type { NodeOptions } from '../../src/node.js'

let dir: string
let peer: MeshNode
let tab: MeshNode
let store: LocalStore
let peerOptions: NodeOptions
const others: LocalStore[] = []

/** A LocalFirst of its own over the tab, not started: the test sends its queue when it chooses. */
async function localFirst (name: string, bounds: { maxPending?: number, maxPendingBytes?: number } = {}): Promise<LocalFirst> {
  const own = new LocalStore({ location: join(dir, name), maxPending: bounds.maxPending ?? 100, maxPendingBytes: bounds.maxPendingBytes ?? 1024 * 1024, maxCached: 100 })
  await own.open()
  others.push(own)
  return new LocalFirst({ node: tab, local: own, retryMs: 60_000, requestTimeoutMs: 2_000 })
}

async function peerDown (): Promise<void> {
  await peer.stop({ announce: false })
  await waitFor('the tab has no connection', () => tab.libp2p.getConnections().length === 0)
}

async function peerBack (local: LocalFirst): Promise<void> {
  peer = new MeshNode(peerOptions)
  await peer.start()
  await waitFor('the tab is back in touch', () => local.online() && tab.members().some(m => m.id === peer.peerId && m.state === 'up'), 15_000, 100)
}

const code = (want: string) => (err: Error & { code?: string }) => err.code === want

before(async () => {
  dir = await tempDir()
  const port = await freePort()
  peerOptions = { dataDir: join(dir, 'peer'), cluster: 'local-first', n: 1, listen: [`/ip4/127.0.0.1/tcp/${port}`], ...FAST_MEMBERSHIP }
  peer = new MeshNode(peerOptions)
  await peer.start()
  tab = new MeshNode({ dataDir: join(dir, 'tab'), cluster: 'local-first', capacity: 0, bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/${peer.peerId}`], ...FAST_MEMBERSHIP })
  await tab.start()
  store = new LocalStore({ location: join(dir, 'local'), maxPending: 2, maxPendingBytes: 1024 * 1024, maxCached: 100 })
  await store.open()
})

after(async () => {
  await tab?.stop()
  await peer?.stop()
  await store?.close()
  for (const s of others) await s.close()
  await rm(dir, { recursive: true, force: true })
})

test('offline reads are stale copies, writes are queued (bounded), and a queued write becomes a sibling', async () => {
  await waitFor('the tab hears the peer', () => tab.members().some(m => m.id === peer.peerId && m.state === 'up'))
  // not started: the test sends the queue itself, at the moment it chooses
  const local = new LocalFirst({ node: tab, local: store, retryMs: 60_000, requestTimeoutMs: 2_000 })
  assert.deepEqual(await local.put('k', 'v0'), { queued: false, values: ['v0'] })
  assert.deepEqual(await local.put('seen', 's'), { queued: false, values: ['s'] })
  assert.deepEqual(await local.get('k'), { values: ['v0'], stale: false, pending: false })
  assert.equal(await tab.localRecord('k'), undefined, 'capacity 0: the tab holds no share')

  await peer.stop({ announce: false })
  await waitFor('the tab has no connection', () => tab.libp2p.getConnections().length === 0)
  assert.equal(local.online(), false)
  assert.deepEqual(await local.get('seen'), { values: ['s'], stale: true, pending: false })
  assert.deepEqual(await local.get('never read'), { values: [], stale: true, pending: false })
  // what the cluster would refuse is refused now, not queued to fail later
  await assert.rejects(local.put('', 'x'), (err: Error & { code?: string }) => err.code === 'ERR_INVALID_KEY')
  await assert.rejects(local.put('big', 'x'.repeat(2 * 1024 * 1024)), (err: Error & { code?: string }) => err.code === 'ERR_PAYLOAD_TOO_LARGE')
  assert.deepEqual(local.pending(), [])
  assert.deepEqual(await local.put('k', 'mine'), { queued: true, values: ['mine'] })
  assert.deepEqual(await local.get('k'), { values: ['mine'], stale: true, pending: true })
  assert.equal((await local.put('x', '1')).queued, true)
  await assert.rejects(local.put('y', '2'), (err: Error & { code?: string }) => err.code === 'ERR_QUEUE_FULL' && /2 writes are already waiting/.test(err.message))
  // a second write to a queued key replaces it: the bound counts keys
  assert.equal((await local.put('x', '1b')).queued, true)
  assert.deepEqual(local.pending().map(w => [w.key, w.value]), [['k', 'mine'], ['x', '1b']])

  // the peer back, and someone else overwrites k (having read v0) before the tab's queue is sent
  peer = new MeshNode(peerOptions)
  await peer.start()
  const read = await peer.get('k')
  await peer.put('k', bytes('theirs'), { context: read.context })
  await waitFor('the tab is back in touch', () => local.online() && tab.members().some(m => m.id === peer.peerId && m.state === 'up'), 15_000, 100)
  await local.flush()
  assert.deepEqual(local.pending(), [])
  const got = await peer.get('k')
  assert.deepEqual(got.values.map(text).sort(), ['mine', 'theirs'], 'the queued write is a sibling of the one made meanwhile, not over it')
  assert.deepEqual((await peer.get('x')).values.map(text), ['1b'])
})

test('the queue survives a reopen of the local store', async () => {
  await store.close()
  const again = new LocalStore({ location: join(dir, 'local'), maxPending: 2, maxPendingBytes: 1024 * 1024, maxCached: 100 })
  await again.open()
  await again.queue({ key: 'q', value: 'v', context: '', writeId: '00', at: 1 })
  await again.close()
  store = new LocalStore({ location: join(dir, 'local'), maxPending: 2, maxPendingBytes: 1024 * 1024, maxCached: 100 })
  await store.open()
  assert.deepEqual(store.pending().map(w => w.key), ['q'])
  assert.deepEqual((await store.cached('k'))?.values.sort(), ['mine', 'theirs'])
})

test('a queued write replaces what the tab had seen of its key (its context), and a delete can be queued and sent', async () => {
  const local = await localFirst('replace')
  assert.equal((await local.put('seen-then-changed', 'v0')).queued, false)
  assert.equal((await local.put('to-delete', 'd')).queued, false)
  await peerDown()
  assert.deepEqual(await local.put('seen-then-changed', 'v1'), { queued: true, values: ['v1'] })
  assert.deepEqual(await local.delete('to-delete'), { queued: true, values: [] })
  assert.deepEqual(await local.get('to-delete'), { values: [], stale: true, pending: true })
  await peerBack(local)
  await local.flush()
  assert.deepEqual(local.pending(), [])
  // nobody else wrote: the queued write covers v0, so it is the only value (with no context it would be a sibling of v0)
  assert.deepEqual((await peer.get('seen-then-changed')).values.map(text), ['v1'])
  assert.equal((await peer.get('to-delete')).found, false)
  // and online, a delete goes straight to the cluster
  assert.deepEqual(await local.delete('seen-then-changed'), { queued: false, values: [] })
  assert.equal((await peer.get('seen-then-changed')).found, false)
  assert.deepEqual(await local.get('seen-then-changed'), { values: [], stale: false, pending: false })
})

test('offline, the queue holds its bounds for writes made at once and in bytes, and refuses what the cluster would', async () => {
  const counted = await localFirst('counted', { maxPending: 2 })
  const sized = await localFirst('sized', { maxPendingBytes: 4096 })
  await peerDown()
  // three writes at once into a queue of two: one is refused, whatever the interleaving
  const three = await Promise.allSettled(['a', 'b', 'c'].map(async k => counted.put(k, k)))
  assert.deepEqual(three.map(r => r.status).sort(), ['fulfilled', 'fulfilled', 'rejected'])
  assert.equal((three.find(r => r.status === 'rejected') as PromiseRejectedResult).reason.code, 'ERR_QUEUE_FULL')
  assert.equal(counted.pending().length, 2)
  // the bytes the queue takes are bounded, not only the count (1000 values of 1 MiB would be 1 GiB held)
  assert.equal((await sized.put('b1', 'x'.repeat(3000))).queued, true)
  await assert.rejects(sized.put('b2', 'x'.repeat(3000)), (err: Error & { code?: string }) => err.code === 'ERR_QUEUE_FULL' && /4096 bytes/.test(err.message))
  // a write over a queued key counts once
  assert.equal((await sized.put('b1', 'y'.repeat(3500))).queued, true)
  assert.deepEqual(sized.pending().map(w => w.key), ['b1'])
  // a key the cluster would refuse (a bucket's internal key) and a put of no string are refused now, never queued
  await assert.rejects(sized.put('\u0001photos/cat', 'v'), code('ERR_INVALID_KEY'))
  await assert.rejects(sized.get('\u0001photos/cat'), code('ERR_INVALID_KEY'))
  await assert.rejects(sized.put('k', null as unknown as string), code('ERR_INVALID_ARGUMENT'))
  await assert.rejects(sized.put('k', 5 as unknown as string), code('ERR_INVALID_ARGUMENT'))
  await assert.rejects(sized.put(7 as unknown as string, 'v'), code('ERR_INVALID_KEY'))
  assert.deepEqual(sized.pending().map(w => w.key), ['b1'])
  await peerBack(sized)
  await sized.flush()
  await counted.flush()
  assert.deepEqual([...sized.pending(), ...counted.pending()], [])
  assert.deepEqual((await peer.get('b1')).values.map(text), ['y'.repeat(3500)])
})
