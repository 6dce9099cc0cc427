import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { exchange } from '../../src/antientropy/exchange.js'
import { LoopbackTransport } from '../../src/antientropy/loopback.js'
import { MemoryReplica } from '../../src/antientropy/memory-replica.js'
import { AeRequestType, MAX_LISTED_KEYS, MAX_SPLIT } from '../../src/antientropy/wire.js'
import { siblingEquals } from '../../src/store/record.js'
import { equal, newSet, update, updateWith } from '../../src/version/index.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const WHOLE = { start: 0n, end: 0n }
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function write (actor: string, value: string, base?: KvRecord): KvRecord {
  const s: Sibling = { value: new TextEncoder().encode(value), timestamp: 1 }
  return base === undefined ? update(newSet(s), actor) : updateWith(newSet(s), base, actor, siblingEquals)
}

function assertSame (a: MemoryReplica, b: MemoryReplica): void {
  assert.equal(hex(a.index.summary(WHOLE).hash), hex(b.index.summary(WHOLE).hash))
  assert.deepEqual([...a.records.keys()].sort(), [...b.records.keys()].sort())
  for (const [k, r] of a.records) assert.ok(equal(r, b.records.get(k) as KvRecord, siblingEquals), k)
}

test('an exchange makes two replicas hold the same records, repairing both ways', async () => {
  // common keys, keys only on each side, keys each side wrote concurrently
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 300 }), fc.uniqueArray(fc.nat(399), { maxLength: 40 }), fc.constantFrom(2, 4, 16), fc.constantFrom(1, 4, 64), fc.integer({ min: 1, max: 8 }),
    async (common, changed, parts, leafKeys, bits) => {
      const a = new MemoryReplica({ bucketBits: bits })
      const b = new MemoryReplica({ bucketBits: bits })
      for (let i = 0; i < common; i++) {
        const r = write('x', `v${i}`)
        a.put(`k${i}`, r)
        b.put(`k${i}`, r)
      }
      for (const c of changed) {
        const key = `k${c % 200}`
        if (c % 3 === 0) a.put(key, write('a', `a${c}`, a.records.get(key)))
        else if (c % 3 === 1) b.put(key, write('b', `b${c}`, b.records.get(key)))
        else { a.put(key, write('a', `a${c}`, a.records.get(key))); b.put(key, write('b', `b${c}`, b.records.get(key))) }
      }
      const result = await exchange(new LoopbackTransport(b), a, [WHOLE], { parts, leafKeys })
      assertSame(a, b)
      // nothing left to do
      const again = await exchange(new LoopbackTransport(b), a, [WHOLE], { parts, leafKeys })
      assert.equal(again.keysSent + again.keysReceived, 0)
      assert.equal(again.roundTrips, 1)
      if (changed.length === 0) assert.equal(result.keysSent + result.keysReceived, 0)
    }), { numRuns: 60 })
})

test('only the shared arcs are compared', async () => {
  const a = new MemoryReplica({ bucketBits: 4 })
  const b = new MemoryReplica({ bucketBits: 4 })
  for (let i = 0; i < 50; i++) a.put(`k${i}`, write('a', `v${i}`))
  const arc = { start: 0n, end: 1n << 62n }
  await exchange(new LoopbackTransport(b), a, [arc])
  assert.equal(b.index.summary(WHOLE).count, a.index.summary(arc).count)
  assert.equal(hex(b.index.summary(arc).hash), hex(a.index.summary(arc).hash))
})

test('round trips follow the depth, bytes follow the differences', async () => {
  const run = async (keys: number, diffs: number): Promise<{ bytes: number, roundTrips: number, repaired: number }> => {
    const a = new MemoryReplica()
    const b = new MemoryReplica()
    for (let i = 0; i < keys; i++) { const r = write('x', `v${i}`); a.put(`k${i}`, r); b.put(`k${i}`, r) }
    for (let i = 0; i < diffs; i++) b.put(`k${i * 7}`, write('b', 'changed', b.records.get(`k${i * 7}`)))
    const r = await exchange(new LoopbackTransport(b), a, [WHOLE])
    return { bytes: r.bytes, roundTrips: r.roundTrips, repaired: r.keysReceived }
  }
  const small = await run(1_000, 10)
  const large = await run(20_000, 10)
  assert.equal(small.repaired, 10)
  assert.equal(large.repaired, 10)
  assert.ok(large.bytes < small.bytes * 4, `20k keys: ${large.bytes} bytes, 1k keys: ${small.bytes}`)
  assert.ok(large.roundTrips <= 8, `${large.roundTrips} round trips`)
})

test('a responder refuses to list more keys than a reply may hold, and bad splits', async () => {
  const b = new MemoryReplica()
  const r = write('x', 'v')
  for (let i = 0; i <= MAX_LISTED_KEYS; i++) b.put(`k${i}`, r)
  const peer = new LoopbackTransport(b)
  await assert.rejects(peer.request({ type: AeRequestType.KEYS, arcs: [WHOLE] }), (err: Error & { code?: string }) => err.code === 'ERR_PROTOCOL' && /smaller arcs/.test(err.message))
  await assert.rejects(peer.request({ type: AeRequestType.HASHES, arcs: [WHOLE], split: MAX_SPLIT + 1 }), (err: Error & { code?: string }) => err.code === 'ERR_PROTOCOL')
  await assert.rejects(peer.request({ type: AeRequestType.HASHES, arcs: Array.from({ length: 300 }, () => WHOLE), split: MAX_SPLIT }), (err: Error & { code?: string }) => err.code === 'ERR_PROTOCOL')
  // and the exchange itself descends instead of asking for too much
  const a = new MemoryReplica()
  const result = await exchange(peer, a, [WHOLE])
  assert.equal(result.keysReceived, MAX_LISTED_KEYS + 1)
})

/** a LoopbackTransport whose `failAt`-th request of type `type` fails before it reaches the peer */
class FailingTransport extends LoopbackTransport {
  private seen = 0
  constructor (replica: MemoryReplica, private readonly type: number, private readonly failAt: number) { super(replica) }
  override async request (req: Parameters<LoopbackTransport['request']>[0]): ReturnType<LoopbackTransport['request']> {
    if (req.type === this.type && ++this.seen === this.failAt) throw new Error('stream reset')
    return super.request(req)
  }
}

test('an exchange that fails midway still tells what it repaired (fetched and merged here, pushed and taken there)', async () => {
  const a = new MemoryReplica({ bucketBits: 4 })
  const b = new MemoryReplica({ bucketBits: 4 })
  for (let i = 0; i < 30; i++) b.put(`theirs-${i}`, write('b', `v${i}`))
  for (let i = 0; i < 30; i++) a.put(`ours-${i}`, write('a', `v${i}`))
  // the push fails: what was fetched and merged before it counts
  const tally = { keysSent: 0, keysReceived: 0, bytes: 0, roundTrips: 0 }
  await assert.rejects(exchange(new FailingTransport(b, AeRequestType.PUSH, 1), a, [WHOLE], { tally }), /stream reset/)
  assert.equal(tally.keysReceived, 30)
  assert.equal(tally.keysSent, 0)
  assert.ok(tally.roundTrips >= 2 && tally.bytes > 0, JSON.stringify(tally))
  assert.equal([...a.records.keys()].filter(k => k.startsWith('theirs-')).length, 30)

  // two pushes (values of 1 MiB: a frame holds 7), the second fails: the first's keys count
  const c = new MemoryReplica({ bucketBits: 4 })
  const d = new MemoryReplica({ bucketBits: 4 })
  const big = 'x'.repeat(1024 * 1024 - 64)
  for (let i = 0; i < 10; i++) c.put(`big-${i}`, write('c', big + i))
  const pushed = { keysSent: 0, keysReceived: 0, bytes: 0, roundTrips: 0 }
  await assert.rejects(exchange(new FailingTransport(d, AeRequestType.PUSH, 2), c, [WHOLE], { tally: pushed }), /stream reset/)
  assert.ok(pushed.keysSent > 0 && pushed.keysSent < 10, JSON.stringify(pushed))
  assert.equal(pushed.keysSent, d.records.size)
  assert.equal(pushed.keysReceived, 0)
})
