/**
 * Review: the web view's event streams (GET /events) never end while the
 * page is open, so counting them as client requests in flight held a
 * maxInflight slot for as long as a browser tab stayed open: with
 * maxInflight 2, two open tabs made every /kv request 429 for good.
 */
import '../../src/shim.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '../fixtures/cluster.js'
import { createNode } from '../../src/node.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import type { ClientRequest } from 'node:http'

test('open event streams take no slot of maxInflight', async () => {
  const dir = await tempDir('meshkv-events-inflight-')
  const node = await createNode({ dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], n: 1, r: 1, w: 1 })
  const api = await startHttpApi({ node, host: '127.0.0.1', port: 0, log: createLog('error', { write: () => {} }), protection: { maxInflight: 2 } })
  const streams: ClientRequest[] = []
  try {
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${api.url}/events`, res => {
          assert.equal(res.statusCode, 200)
          res.once('data', () => { resolve() })
        })
        req.on('error', reject)
        req.end()
        streams.push(req)
      })
    }
    const res = await fetch(`${api.url}/kv/k`, { method: 'PUT', body: 'v' })
    await res.arrayBuffer()
    assert.equal(res.status, 200, 'a write is served while two web views are open')
  } finally {
    for (const s of streams) s.destroy()
    await api.close(100)
    await node.stop()
    await rm(dir, { recursive: true, force: true })
  }
})
