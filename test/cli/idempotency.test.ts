/**
 * The CLI sends an Idempotency-Key with every write: a new one per command,
 * or the one given with --idempotency-key. A stand-in HTTP server records
 * what the CLI sent (the daemon's handling is tested with real daemons in
 * test/cluster/slow/correctness-daemons.test.ts).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { cli } from '../fixtures/daemon.js'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'

const seen: Array<{ method: string, key: string | undefined }> = []
let server: Server
let api: string

before(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const key = req.headers['idempotency-key']
      seen.push({ method: req.method ?? '', key: Array.isArray(key) ? key.join(',') : key })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ context: '', acked: [], values: [], deletes: 0 }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(() => { server.close() })

test('each put and del sends its own Idempotency-Key; --idempotency-key sends the one given', async () => {
  for (const args of [['put', 'k', 'v'], ['put', 'k', 'v'], ['del', 'k', '--context', 'AQ'], ['put', 'k', 'v', '--idempotency-key', 'mine-1']]) {
    const res = await cli([...args, '--api', api])
    assert.equal(res.code, 0, res.stderr)
  }
  const writes = seen.filter(s => s.method === 'PUT' || s.method === 'DELETE')
  assert.equal(writes.length, 4)
  const [a, b, c, d] = writes.map(w => w.key)
  assert.match(String(a), /^[0-9a-f-]{36}$/)
  assert.notEqual(a, b)
  assert.notEqual(b, c)
  assert.equal(d, 'mine-1')
})
