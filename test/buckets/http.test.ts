/**
 * The /buckets routes on a real single node (n=r=w=1): listing, methods,
 * bad input, and buckets (properties and usage) surviving a restart.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { MeshNode } from '../../src/node.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { tempDir } from '../fixtures/cluster.js'
import type { HttpApi } from '../../src/daemon/http-api.js'

const quiet = createLog('error', { write: () => {} })

describe('/buckets routes on a single node', () => {
  let dir: string
  let node: MeshNode
  let api: HttpApi
  const start = async (): Promise<void> => {
    node = new MeshNode({ dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], n: 1, r: 1, w: 1, bucketRefreshMs: 100 })
    await node.start()
    api = await startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet })
  }
  const stop = async (): Promise<void> => {
    await api.close(100)
    await node.stop()
  }
  const code = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code

  before(async () => {
    dir = await tempDir('meshkv-buckets-http-')
    await start()
  })
  after(async () => {
    await stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('GET /buckets lists the default bucket with the cluster\'s quorums before any is created', async () => {
    const res = await fetch(`${api.url}/buckets`)
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { buckets: [{ name: 'default', n: 1, r: 1, w: 1, updated: 0, usage: { keys: 0, bytes: 0 } }] })
    assert.equal((await fetch(`${api.url}/buckets/`)).status, 200)
    const one = await fetch(`${api.url}/buckets/default`)
    assert.equal(((await one.json()) as { name: string }).name, 'default')
  })

  test('methods, routes, query parameters and bodies are checked', async () => {
    const del = await fetch(`${api.url}/buckets/x`, { method: 'DELETE' })
    assert.equal(del.status, 405)
    assert.equal(del.headers.get('allow'), 'GET, PUT')
    assert.equal((await fetch(`${api.url}/buckets`, { method: 'PUT', body: '{}' })).status, 405)
    assert.equal((await fetch(`${api.url}/buckets/x/kv/k`, { method: 'POST' })).status, 405)
    const stray = await fetch(`${api.url}/buckets/x/other`)
    assert.equal(stray.status, 404)
    assert.equal(await code(stray), 'ERR_NO_ROUTE')
    assert.equal(await code(await fetch(`${api.url}/buckets/%E0%A4%A`)), 'ERR_INVALID_BUCKET')
    assert.equal(await code(await fetch(`${api.url}/buckets?x=1`)), 'ERR_INVALID_ARGUMENT')
    const big = await fetch(`${api.url}/buckets/x`, { method: 'PUT', body: JSON.stringify({ n: 1, pad: 'x'.repeat(5000) }) })
    assert.equal(big.status, 413)
    const unknown = await fetch(`${api.url}/buckets/x`, { method: 'PUT', body: '{"colour":"red"}' })
    assert.equal(unknown.status, 400)
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /unknown bucket property "colour"/)
    const notFound = await fetch(`${api.url}/buckets/never`)
    assert.equal(notFound.status, 404)
    assert.equal(await code(notFound), 'ERR_NO_SUCH_BUCKET')
    assert.equal((await fetch(`${api.url}/no/such`)).status, 404)
    assert.match(((await (await fetch(`${api.url}/no/such`)).json()) as { error: { message: string } }).error.message, /\/buckets\/NAME\/kv\/KEY/)
  })

  test('a bucket, its keys and its usage survive a restart; a second PUT sets its properties anew', async () => {
    const created = await fetch(`${api.url}/buckets/keep`, { method: 'PUT', body: '{"maxKeys":5,"maxBytes":100}' })
    assert.equal(created.status, 200)
    const first = (await created.json()) as { updated: number }
    assert.equal((await fetch(`${api.url}/buckets/keep/kv/a`, { method: 'PUT', body: 'hello' })).status, 200)
    await stop()
    await start()
    await node.refreshBuckets()
    const shown = (await (await fetch(`${api.url}/buckets/keep`)).json()) as { maxKeys: number, usage: { keys: number, bytes: number } }
    assert.equal(shown.maxKeys, 5)
    assert.deepEqual(shown.usage, { keys: 1, bytes: 5 })
    assert.equal(await (await fetch(`${api.url}/buckets/keep/kv/a`)).text(), 'hello')
    const again = (await (await fetch(`${api.url}/buckets/keep`, { method: 'PUT', body: '{"maxKeys":9}' })).json()) as { maxKeys: number, maxBytes?: number, updated: number }
    assert.equal(again.maxKeys, 9)
    assert.equal(again.maxBytes, undefined)
    assert.ok(again.updated > first.updated)
  })
})
