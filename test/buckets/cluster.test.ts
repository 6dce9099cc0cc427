/**
 * Buckets on 3 real peers (n=3, r=w=2), each with its HTTP API: a bucket
 * created through A is known through B and C; its quota is enforced
 * through C with 403 ERR_QUOTA naming it, eventually strictly, and freed
 * by deletes; a bucket's N/R/W decide where its keys live and who is
 * asked; the same key in two buckets is two keys.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { bucketKey } from '../../src/buckets/encoding.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { HttpApi } from '../../src/daemon/http-api.js'

const quiet = createLog('error', { write: () => {} })

interface ErrorBody { error: { code: string, message: string, detail?: Record<string, unknown> } }

describe('buckets across a 3-peer cluster', () => {
  let cluster: TestCluster
  let apis: HttpApi[] = []
  const url = (i: number, path: string): string => `${apis[i].url}${path}`
  const put = async (i: number, bucket: string, key: string, value: string, query = ''): Promise<Response> =>
    fetch(url(i, `/buckets/${bucket}/kv/${encodeURIComponent(key)}${query}`), { method: 'PUT', body: value })
  /** a delete with the context of a read first: a blind one would only be a sibling of the value */
  const del = async (i: number, bucket: string, key: string): Promise<Response> => {
    const read = await fetch(url(i, `/buckets/${bucket}/kv/${encodeURIComponent(key)}`), { headers: { accept: 'application/json' } })
    const { context } = await read.json() as { context: string }
    return fetch(url(i, `/buckets/${bucket}/kv/${encodeURIComponent(key)}`), { method: 'DELETE', headers: { 'x-meshkv-context': context } })
  }
  const show = async (i: number, bucket: string): Promise<{ n: number, r: number, w: number, maxKeys?: number, usage: { keys: number, bytes: number } }> =>
    await (await fetch(url(i, `/buckets/${bucket}`))).json() as never

  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2, bucketRefreshMs: 200 })
    await cluster.converged()
    apis = await Promise.all(cluster.nodes.map(async node => startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet })))
  })
  after(async () => {
    await Promise.all(apis.map(async a => { await a.close(100) }))
    await cluster.stop()
  })

  test('a bucket created through A is known through B and C at once (read through), and listed', async () => {
    const created = await fetch(url(0, '/buckets/photos'), { method: 'PUT', body: JSON.stringify({ maxKeys: 1000 }) })
    assert.equal(created.status, 200)
    const b = await show(1, 'photos')
    assert.equal(b.maxKeys, 1000)
    assert.deepEqual([b.n, b.r, b.w], [3, 2, 2])
    assert.equal((await put(2, 'photos', 'cat.jpg', 'meow')).status, 200)
    const listed = await (await fetch(url(2, '/buckets'))).json() as { buckets: Array<{ name: string }> }
    assert.deepEqual(listed.buckets.map(x => x.name), ['default', 'photos'])
  })

  test('properties changed through A reach B\'s cache within the refresh bound; concurrent updates resolve alike everywhere', async () => {
    assert.equal((await show(1, 'photos')).maxKeys, 1000)
    assert.equal((await fetch(url(0, '/buckets/photos'), { method: 'PUT', body: JSON.stringify({ maxKeys: 500 }) })).status, 200)
    await waitFor('B to see maxKeys 500', async () => (await show(1, 'photos')).maxKeys === 500, 5_000)
    // two buckets created at once through two peers, and one bucket set at once through two: siblings in the catalog
    const results = await Promise.all([
      fetch(url(0, '/buckets/con-a'), { method: 'PUT', body: '{"maxKeys":1}' }),
      fetch(url(1, '/buckets/con-b'), { method: 'PUT', body: '{"maxKeys":2}' }),
      fetch(url(0, '/buckets/con-x'), { method: 'PUT', body: '{"maxKeys":10}' }),
      fetch(url(2, '/buckets/con-x'), { method: 'PUT', body: '{"maxKeys":20}' })
    ])
    assert.ok(results.every(r => r.status === 200))
    const views = async (): Promise<string[]> => Promise.all([0, 1, 2].map(async i => {
      await cluster.nodes[i].refreshBuckets()
      const { buckets } = await (await fetch(url(i, '/buckets'))).json() as { buckets: Array<{ name: string, maxKeys?: number }> }
      return JSON.stringify(buckets.filter(b => b.name.startsWith('con-')).map(b => [b.name, b.maxKeys]))
    }))
    await waitFor('every peer to agree on the catalog', async () => new Set(await views()).size === 1, 5_000)
    const agreed = JSON.parse((await views())[0]) as Array<[string, number]>
    assert.deepEqual(agreed.map(([name]) => name), ['con-a', 'con-b', 'con-x'])
    assert.deepEqual(agreed.slice(0, 2), [['con-a', 1], ['con-b', 2]])
    assert.ok([10, 20].includes(agreed[2][1]))
  })

  test('unknown buckets are refused, bad names and properties are 400, the system bucket is out of reach', async () => {
    const nope = await put(1, 'nope', 'k', 'v')
    assert.equal(nope.status, 404)
    assert.equal((await nope.json() as ErrorBody).error.code, 'ERR_NO_SUCH_BUCKET')
    assert.equal((await fetch(url(1, '/buckets/nope/kv/k'))).status, 404)
    for (const [path, body] of [['/buckets/Bad', '{}'], ['/buckets/_meshkv', '{}'], ['/buckets/big', '{"n":4}'], ['/buckets/x', '{"n":2,"w":3}'], ['/buckets/x', 'not json'], ['/buckets/default', '{"maxKeys":1}']]) {
      const res = await fetch(url(0, path), { method: 'PUT', body })
      assert.equal(res.status, 400, `${path} ${body}`)
      assert.equal((await res.json() as ErrorBody).error.code, 'ERR_INVALID_BUCKET')
    }
    assert.equal((await fetch(url(0, '/buckets/_meshkv/kv/buckets'))).status, 400)
    // the catalog's internal key spelled as a default-bucket key is refused, not read
    const sneaky = await fetch(url(0, `/kv/${encodeURIComponent(bucketKey('_meshkv', 'buckets'))}`), { method: 'PUT', body: '{}' })
    assert.equal(sneaky.status, 400)
    assert.equal((await sneaky.json() as ErrorBody).error.code, 'ERR_INVALID_KEY')
  })

  test('a quota set through A is enforced through C: 403 ERR_QUOTA naming it, eventually strict, freed by deletes', async () => {
    assert.equal((await fetch(url(0, '/buckets/tiny'), { method: 'PUT', body: JSON.stringify({ maxKeys: 3 }) })).status, 200)
    for (const k of ['a', 'b', 'c']) assert.equal((await put(0, 'tiny', k, 'v')).status, 200)
    // within the bound (a refresh to count and publish, one to sum), C sees 3 keys used
    await waitFor('C to count 3 keys in tiny', async () => (await show(2, 'tiny')).usage.keys === 3, 10_000)
    const refused = await put(2, 'tiny', 'd', 'v')
    assert.equal(refused.status, 403)
    const err = (await refused.json() as ErrorBody).error
    assert.equal(err.code, 'ERR_QUOTA')
    assert.match(err.message, /bucket tiny: quota max-keys exceeded: limit 3, usage 3/)
    assert.deepEqual(err.detail, { bucket: 'tiny', quota: 'max-keys', limit: 3, usage: 3 })
    // every peer refuses once it has summed (within the same bound), and the refused key was not written
    await waitFor('A and B to count 3 keys in tiny', async () => (await show(0, 'tiny')).usage.keys === 3 && (await show(1, 'tiny')).usage.keys === 3, 10_000)
    for (const i of [0, 1]) assert.equal((await put(i, 'tiny', 'e', 'v')).status, 403)
    assert.equal((await fetch(url(0, '/buckets/tiny/kv/d'))).status, 404)
    // an existing key may still be overwritten: it adds no key
    assert.equal((await put(2, 'tiny', 'a', 'v2')).status, 200)
    // a delete frees one key: the write through C goes through once that is counted
    assert.equal((await del(0, 'tiny', 'b')).status, 200)
    await waitFor('C to count the delete', async () => (await show(2, 'tiny')).usage.keys === 2, 10_000)
    assert.equal((await put(2, 'tiny', 'd', 'v')).status, 200)
  })

  test('a burst inside the lag may pass a quota; then every key is counted exactly once and every peer refuses', async () => {
    assert.equal((await fetch(url(2, '/buckets/burst'), { method: 'PUT', body: JSON.stringify({ maxKeys: 4 }) })).status, 200)
    const replies = await Promise.all(Array.from({ length: 9 }, async (_, i) => put(i % 3, 'burst', `b${i}`, 'v')))
    const accepted = replies.filter(r => r.status === 200).length
    assert.ok(replies.every(r => r.status === 200 || r.status === 403))
    assert.ok(accepted >= 4, `${accepted} accepted`)
    // replicated on 3 peers, each key is counted by one: the sum is what was stored, on every peer
    await waitFor('every peer to count the burst', async () =>
      (await Promise.all([0, 1, 2].map(async i => (await show(i, 'burst')).usage.keys))).every(k => k === accepted), 10_000)
    for (const i of [0, 1, 2]) {
      const res = await put(i, 'burst', `late${i}`, 'v')
      assert.equal(res.status, 403)
      assert.equal((await res.json() as ErrorBody).error.detail?.usage, accepted)
    }
  })

  test('max-bytes: a write that would pass the bytes quota is refused with the limit and usage', async () => {
    assert.equal((await fetch(url(1, '/buckets/bytes'), { method: 'PUT', body: JSON.stringify({ maxBytes: 10 }) })).status, 200)
    assert.equal((await put(1, 'bytes', 'x', '12345678')).status, 200)
    await waitFor('A to count 8 bytes', async () => (await show(0, 'bytes')).usage.bytes === 8, 10_000)
    const refused = await put(0, 'bytes', 'y', '123')
    assert.equal(refused.status, 403)
    assert.deepEqual((await refused.json() as ErrorBody).error.detail, { bucket: 'bytes', quota: 'max-bytes', limit: 10, usage: 8 })
    assert.equal((await put(0, 'bytes', 'y', '12')).status, 200)
  })

  test('a bucket\'s n, r and w apply to its keys: two owners hold them, the third never does', async () => {
    assert.equal((await fetch(url(0, '/buckets/pair'), { method: 'PUT', body: JSON.stringify({ n: 2, r: 2, w: 2 }) })).status, 200)
    const shown = await show(2, 'pair')
    assert.deepEqual([shown.n, shown.r, shown.w], [2, 2, 2])
    const keys = Array.from({ length: 6 }, (_, i) => `k${i}`)
    for (const k of keys) assert.equal((await put(2, 'pair', k, k)).status, 200)
    for (const k of keys) {
      const internal = bucketKey('pair', k)
      const owners = cluster.nodes[0].preferenceList(internal).slice(0, 2)
      // w=2: both owners have it when the put returns; n=2: the third has none
      for (const node of cluster.nodes) {
        const held = (await node.localRecord(internal)) !== undefined
        assert.equal(held, owners.includes(node.peerId), `${k} on ${node.peerId.slice(-6)}`)
      }
      const got = await (await fetch(url(1, `/buckets/pair/kv/${k}`), { headers: { accept: 'application/json' } })).json() as { replicas: string[] }
      assert.ok(got.replicas.length >= 2 && got.replicas.every(p => owners.includes(p)), 'r=2 of the 2 owners answered')
    }
    // anti-entropy between every pair of co-replicas copies none of them to the third
    await Promise.all(cluster.nodes.map(async node => node.antiEntropyNow()))
    for (const k of keys) {
      const internal = bucketKey('pair', k)
      const owners = cluster.nodes[0].preferenceList(internal).slice(0, 2)
      for (const node of cluster.nodes) assert.equal((await node.localRecord(internal)) !== undefined, owners.includes(node.peerId), `${k} after anti-entropy`)
    }
    // a per-request quorum above the bucket's n is refused
    assert.equal((await put(0, 'pair', 'k0', 'v', '?w=3')).status, 400)
    // the default bucket keeps the cluster's n=3
    assert.equal((await fetch(url(0, '/kv/k0?w=3'), { method: 'PUT', body: 'v' })).status, 200)
    for (const node of cluster.nodes) assert.ok((await node.localRecord('k0')) !== undefined)
  })

  test('the same key in two buckets and in the default bucket is three independent keys', async () => {
    await fetch(url(0, '/buckets/left'), { method: 'PUT', body: '{}' })
    await fetch(url(0, '/buckets/right'), { method: 'PUT', body: '{}' })
    assert.equal((await put(0, 'left', 'same', 'L')).status, 200)
    assert.equal((await put(1, 'right', 'same', 'R')).status, 200)
    assert.equal((await fetch(url(2, '/kv/same'), { method: 'PUT', body: 'D' })).status, 200)
    const text = async (path: string): Promise<string> => await (await fetch(url(2, path))).text()
    assert.equal(await text('/buckets/left/kv/same'), 'L')
    assert.equal(await text('/buckets/right/kv/same'), 'R')
    assert.equal(await text('/kv/same'), 'D')
    assert.equal(await text('/buckets/default/kv/same'), 'D')
    assert.equal((await del(1, 'left', 'same')).status, 200)
    assert.equal((await fetch(url(2, '/buckets/left/kv/same'))).status, 404)
    assert.equal(await text('/buckets/right/kv/same'), 'R')
    assert.equal(await text('/kv/same'), 'D')
  })
})
