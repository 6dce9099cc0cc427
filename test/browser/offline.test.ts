/**
 * Local-first in a tab: with every peer gone, a page's write is queued in
 * IndexedDB; it is still pending after a reload, and once the daemon is
 * back (restarted on the same ports and data dir) it reaches it.
 *
 * The page is served from a server of the test's own (a copy of the
 * daemon's /app and bundle): its origin, so its IndexedDB, must outlive
 * the daemon, or the page could not be reloaded while the daemon is down.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { apiPortOf, freePort, startDaemon, stopAll, tcpPortOf } from '../fixtures/daemon.js'
import { chromiumSkip, launchChromium } from '../fixtures/browser.js'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import type { Daemon, DaemonSpec } from '../fixtures/daemon.js'
import type { PageMeshkv } from '../fixtures/browser.js'

declare const window: { meshkv: PageMeshkv }

/** Serve what the daemon served at /app and /app/app.js, from another origin that stays up. */
async function pageServer (daemonApi: string): Promise<{ server: Server, url: string }> {
  const html = await (await fetch(`${daemonApi}/app`)).text()
  const js = await (await fetch(`${daemonApi}/app/app.js`)).text()
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/app') res.writeHead(200, { 'content-type': 'text/html' }).end(html)
    else if (path === '/app/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
    else res.writeHead(404).end()
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/app` }
}

describe('a tab with no peers', { skip: chromiumSkip() }, () => {
  let dir: string
  let daemon: Daemon
  let spec: DaemonSpec
  let browser: Browser
  let page: Page
  let pages: { server: Server, url: string }

  before(async () => {
    dir = await tempDir()
    const ws = await freePort()
    spec = { dir, cluster: 'browser-offline', config: { n: 1 }, args: ['--listen', `/ip4/127.0.0.1/tcp/${ws}/ws`, '--web'] }
    daemon = await startDaemon(spec)
    spec = { ...spec, apiPort: apiPortOf(daemon), tcpPort: tcpPortOf(daemon) }
    pages = await pageServer(daemon.api)
    browser = await launchChromium()
    page = await (await browser.newContext()).newPage()
    await page.goto(pages.url)
    await page.evaluate(async () => { await window.meshkv.ready })
  })

  after(async () => {
    await browser?.close()
    pages?.server.close()
    await stopAll(daemon === undefined ? [] : [daemon])
    await rm(dir, { recursive: true, force: true })
  })

  test('queues a write durably, keeps it over a reload, and sends it when the daemon is back', async () => {
    const online = await page.evaluate(async () => window.meshkv.put('before', 'sent at once'))
    assert.equal(online.queued, false)
    assert.equal((await page.evaluate(async () => window.meshkv.put('shared', 'v0'))).queued, false)
    assert.equal((await page.evaluate(async () => window.meshkv.put('seen', 'read while online'))).queued, false)
    // every peer gone
    await stopAll([daemon])
    await waitFor('the page sees no peer', async () => (await page.evaluate(() => window.meshkv.connections())).length === 0, 10_000, 100)
    const offline = await page.evaluate(async () => window.meshkv.put('offline', 'written with no peers'))
    assert.equal(offline.queued, true)
    assert.equal((await page.evaluate(async () => window.meshkv.put('before', 'changed offline'))).queued, true)
    assert.equal((await page.evaluate(async () => window.meshkv.put('shared', 'from the tab'))).queued, true)
    assert.deepEqual((await page.evaluate(() => window.meshkv.pending())).map(w => w.key).sort(), ['before', 'offline', 'shared'])
    // a read of what the tab saw is answered from its copy, and the page says it may be stale
    assert.deepEqual(await page.evaluate(async () => window.meshkv.get('seen')), ['read while online'])
    await page.fill('#key', 'seen')
    await page.click('#get')
    await waitFor('the page shows the read', async () => /read while online/.test(await page.locator('#out').innerText()), 5_000, 50)
    assert.match(await page.locator('#out').innerText(), /may be stale/)
    assert.match(await page.locator('#online').innerText(), /offline/)
    await page.reload()
    await page.evaluate(async () => { await window.meshkv.ready })
    assert.deepEqual((await page.evaluate(() => window.meshkv.pending())).map(w => [w.key, w.value]).sort(),
      [['before', 'changed offline'], ['offline', 'written with no peers'], ['shared', 'from the tab']], 'still pending after the reload')
    await waitFor('the page shows three pending', async () => (await page.locator('#pending-count').innerText()) === '3', 5_000, 50)
    assert.equal((await page.locator('#pending li').allInnerTexts()).length, 3)
    assert.deepEqual(await page.evaluate(async () => window.meshkv.get('offline')), ['written with no peers'])

    // meanwhile someone else, who had read v0, overwrites `shared`: the daemon, up on a WebSocket port the page does not know
    const elsewhere = await startDaemon({ ...spec, args: ['--listen', `/ip4/127.0.0.1/tcp/${await freePort()}/ws`, '--web'] })
    const read = await fetch(`${elsewhere.api}/kv/shared`)
    assert.equal(await read.text(), 'v0')
    const context = read.headers.get('x-meshkv-context') ?? ''
    assert.notEqual(context, '')
    assert.equal((await fetch(`${elsewhere.api}/kv/shared`, { method: 'PUT', body: 'from elsewhere', headers: { 'x-meshkv-context': context } })).status, 200)
    assert.equal((await page.evaluate(() => window.meshkv.pending())).length, 3, 'the page never reached it')
    await stopAll([elsewhere])

    // the daemon back on the page's port and the same data dir: the queued writes reach it
    daemon = await startDaemon(spec)
    await waitFor('the queued write on the daemon', async () => {
      const res = await fetch(`${daemon.api}/kv/offline`)
      return res.status === 200 && await res.text() === 'written with no peers'
    }, 20_000, 200)
    await waitFor('nothing pending', async () => (await page.evaluate(() => window.meshkv.pending())).length === 0, 10_000, 100)
    // made with the context of what the tab had seen: over its own earlier value it is the only value...
    const before = await fetch(`${daemon.api}/kv/before`)
    assert.equal(before.status, 200)
    assert.equal(await before.text(), 'changed offline')
    // ...and beside the value someone else wrote meanwhile it is a sibling, not an overwrite
    const shared = await fetch(`${daemon.api}/kv/shared`)
    assert.equal(shared.status, 300)
    const siblings = ((await shared.json()) as { siblings: string[] }).siblings.map(b => Buffer.from(b, 'base64').toString()).sort()
    assert.deepEqual(siblings, ['from elsewhere', 'from the tab'])
    assert.deepEqual((await page.evaluate(async () => window.meshkv.get('shared'))).sort(), ['from elsewhere', 'from the tab'])
  })
})
