/**
 * The browser demo page's routes (`daemon --web`), against a real node: the
 * page carries this daemon's WebSocket addresses, the bundle is served, and
 * without --web there is no /app at all.
 */
import '../../src/shim.js'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../src/node.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import type { MeshNode } from '../../src/node.js'
import type { HttpApi } from '../../src/daemon/http-api.js'

const quiet = createLog('error', { write: () => {} })
let dir: string
let node: MeshNode
let web: HttpApi
let plain: HttpApi

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshkv-app-'))
  node = await createNode({ dataDir: join(dir, 'data'), cluster: 'app-test', n: 1, listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], reach: { relayServer: true } })
  web = await startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet, web: true })
  plain = await startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet })
})

after(async () => {
  await web?.close(100)
  await plain?.close(100)
  await node?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('/app/config.json names the cluster and only this daemon\'s WebSocket addresses, with its peer id', async () => {
  const res = await fetch(`${web.url}/app/config.json`)
  assert.equal(res.status, 200)
  const config = await res.json() as { cluster: string, bootstrap: string[] }
  assert.equal(config.cluster, 'app-test')
  assert.deepEqual((config as { members?: string[] }).members, [node.peerId], 'the members up, which a tab waits to hear (itself aside)')
  // the cluster's settings, which a tab starts with: one that started on its defaults (n=3) is not
  // heard by a daemon of another n until it adopts the cluster's, and a daemon that knows it (a
  // reloaded member tab) never prompts it to: it waited for the daemon's next periodic announcement
  const { n, tokensPerUnit } = config as { n?: number, tokensPerUnit?: number }
  assert.deepEqual({ n, tokensPerUnit }, { n: 1, tokensPerUnit: node.status().tokensPerUnit })
  assert.equal(config.bootstrap.length, 1)
  assert.match(config.bootstrap[0], new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${node.peerId}$`))
})

test('/app is the page, with the config inline and the bundle it loads; the bundle is served', async () => {
  const res = await fetch(`${web.url}/app?capacity=1`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /text\/html/)
  const html = await res.text()
  assert.match(html, /<script id="meshkv-config" type="application\/json">\{"cluster":"app-test","bootstrap":\["\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/[^"]+"\],"members":\["[^"]+"\],"n":1,"tokensPerUnit":\d+\}/)
  assert.match(html, /<script type="module" src="\/app\/app\.js"><\/script>/)
  const js = await fetch(`${web.url}/app/app.js`)
  assert.equal(js.status, 200, 'npm run build writes dist/web/app.js')
  assert.match(js.headers.get('content-type') ?? '', /javascript/)
  assert.ok((await js.arrayBuffer()).byteLength > 100_000)
})

test('bad input: an unknown parameter or asset, a write; and no /app without --web', async () => {
  assert.equal((await fetch(`${web.url}/app?capacity=-1`)).status, 400)
  assert.equal((await fetch(`${web.url}/app?what=1`)).status, 400)
  assert.equal((await fetch(`${web.url}/app/nothing.js`)).status, 404)
  assert.equal((await fetch(`${web.url}/app`, { method: 'POST' })).status, 405)
  const res = await fetch(`${plain.url}/app`)
  assert.equal(res.status, 404)
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /\/app with --web/)
})

test('the relay server runs when asked for', () => {
  assert.ok(node.libp2p.getProtocols().includes('/libp2p/circuit/relay/0.2.0/hop'))
})
