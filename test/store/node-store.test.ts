/**
 * A lone real node (N=R=W=1): input validation at the API, deletes as
 * versioned tombstones, and data that outlives a restart on its data dir.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { MeshNode } from '../../src/node.js'
import { MAX_KEY_BYTES } from '../../src/constants.js'
import { bytes, tempDir, text } from '../fixtures/cluster.js'
import { parseActor } from '../../src/version/index.js'
import type { NodeOptions } from '../../src/node.js'

const MAX_VALUE = 1024

function soloOptions (dataDir: string): NodeOptions {
  return {
    dataDir,
    cluster: 'solo',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    n: 1,
    r: 1,
    w: 1,
    maxValueBytes: MAX_VALUE,
    heartbeatMs: 250,
    memberTimeoutMs: 1500
  }
}

describe('a lone node (N=R=W=1)', () => {
  let dir: string
  let node: MeshNode
  before(async () => {
    dir = await tempDir('meshkv-node-store-')
    node = new MeshNode(soloOptions(dir))
    await node.start()
  })
  after(async () => {
    await node.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  test('a value over maxValueBytes is PayloadTooLarge and leaves the key as it was', async () => {
    await node.put('big', bytes('small'))
    await assert.rejects(node.put('big', new Uint8Array(MAX_VALUE + 1)), (err: any) => {
      assert.equal(err.code, 'ERR_PAYLOAD_TOO_LARGE')
      assert.equal(err.name, 'PayloadTooLargeError')
      assert.match(err.message, /1025 bytes/)
      return true
    })
    assert.deepEqual((await node.get('big')).values.map(text), ['small'])
    const rec = await node.localRecord('big')
    assert.equal(rec?.entries.flatMap(e => e.values).length, 1)
    // a never-written key stays unwritten
    await assert.rejects(node.put('big-new', new Uint8Array(MAX_VALUE + 1)), { code: 'ERR_PAYLOAD_TOO_LARGE' })
    assert.equal(await node.localRecord('big-new'), undefined)
    // exactly at the limit is fine
    await node.put('big', new Uint8Array(MAX_VALUE).fill(1), { context: (await node.get('big')).context })
    assert.equal((await node.get('big')).values[0].byteLength, MAX_VALUE)
  })

  test('invalid keys are InvalidKey for put, get and delete', async () => {
    const bad = ['', 'k'.repeat(MAX_KEY_BYTES + 1), 'é'.repeat(MAX_KEY_BYTES / 2 + 1), 'a\u0000b', 'line\nbreak', 'tab\t', 'del\u007f', 'lone \ud800 surrogate']
    for (const key of bad) {
      const what = JSON.stringify(key.slice(0, 20))
      await assert.rejects(node.put(key, bytes('v')), (err: any) => { assert.equal(err.code, 'ERR_INVALID_KEY', `put ${what}`); assert.equal(err.name, 'InvalidKeyError'); return true })
      await assert.rejects(node.get(key), { code: 'ERR_INVALID_KEY' }, `get ${what}`)
      await assert.rejects(node.delete(key), { code: 'ERR_INVALID_KEY' }, `delete ${what}`)
      assert.equal(await node.localRecord(key), undefined, `nothing stored under ${what}`)
    }
    // the longest allowed key works
    const longest = 'k'.repeat(MAX_KEY_BYTES)
    await node.put(longest, bytes('ok'))
    assert.deepEqual((await node.get(longest)).values.map(text), ['ok'])
  })

  test('a malformed causal context is ERR_INVALID_CONTEXT, for put and delete', async () => {
    await node.put('ctx', bytes('v1'))
    for (const context of ['not a context!', '@@@', 'AQ', 'A', 'x'.repeat(70_000)]) {
      await assert.rejects(node.put('ctx', bytes('v2'), { context }), (err: any) => {
        assert.equal(err.code, 'ERR_INVALID_CONTEXT', `context ${context.slice(0, 16)}`)
        assert.equal(err.name, 'InvalidContextError')
        return true
      })
      await assert.rejects(node.delete('ctx', { context }), { code: 'ERR_INVALID_CONTEXT' })
    }
    assert.deepEqual((await node.get('ctx')).values.map(text), ['v1'])
  })

  test('a delete leaves a tombstone with a version; get reports not found', async () => {
    const put = await node.put('doomed', bytes('alive'))
    const before = await node.localRecord('doomed')
    const counterBefore = before?.entries[0].counter ?? 0
    assert.ok(counterBefore >= 1)
    const del = await node.delete('doomed', { context: put.context })
    assert.notEqual(del.context, '', 'the delete has a context like any write')
    const rec = await node.localRecord('doomed')
    assert.ok(rec !== undefined, 'the record is still there')
    const siblings = rec.entries.flatMap(e => e.values)
    assert.equal(siblings.length, 1)
    assert.equal(siblings[0].value, null, 'the only sibling is a tombstone')
    const entry = rec.entries.find(e => e.values.length > 0)
    assert.ok(entry !== undefined && parseActor(entry.actor).peer === node.peerId, 'minted by this replica (under an epoch of its peer id)')
    assert.equal(entry.counter, counterBefore + 1, 'the tombstone carries the next counter')
    const got = await node.get('doomed')
    assert.equal(got.found, false)
    assert.deepEqual(got.values, [])
    assert.equal(got.deletes, 1)
    assert.notEqual(got.context, '', 'a read of a deleted key still hands out its context')
    // writing again with that context supersedes the tombstone
    await node.put('doomed', bytes('reborn'), { context: got.context })
    assert.deepEqual((await node.get('doomed')).values.map(text), ['reborn'])
    assert.deepEqual((await node.localRecord('doomed'))?.entries.flatMap(e => e.values).map(s => s.value === null ? null : text(s.value)), ['reborn'])
  })

  test('a blind delete (no context) of a live key is a concurrent sibling, not a loss', async () => {
    await node.put('blind', bytes('v'))
    await node.delete('blind')
    const got = await node.get('blind')
    assert.equal(got.found, true)
    assert.deepEqual(got.values.map(text), ['v'])
    assert.equal(got.deletes, 1)
  })

  test('data survives a restart on the same data dir', async () => {
    const peerId = node.peerId
    const put = await node.put('durable', bytes('kept'))
    await node.delete('durable-deleted', { context: (await node.put('durable-deleted', bytes('x'))).context })
    for (let i = 0; i < 10; i++) await node.put(`many-${i}`, bytes(`m${i}`))
    await node.stop()
    await assert.rejects(node.get('durable'), { code: 'ERR_NOT_STARTED' })
    node = new MeshNode(soloOptions(dir))
    await node.start()
    assert.equal(node.peerId, peerId, 'same identity')
    const got = await node.get('durable')
    assert.deepEqual(got.values.map(text), ['kept'])
    assert.equal(got.context, put.context)
    const gone = await node.get('durable-deleted')
    assert.equal(gone.found, false)
    assert.equal(gone.deletes, 1)
    for (let i = 0; i < 10; i++) assert.deepEqual((await node.get(`many-${i}`)).values.map(text), [`m${i}`])
    // and it goes on versioning from where it was
    const next = await node.put('durable', bytes('kept-2'), { context: got.context })
    assert.notEqual(next.context, got.context)
    assert.deepEqual((await node.get('durable')).values.map(text), ['kept-2'])
  })
})
