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
    // every peer gone
    await stopAll([daemon])
    await waitFor('the page sees no peer', async () => (await page.evaluate(() => window.meshkv.connections())).length === 0, 10_000, 100)
    const offline = await page.evaluate(async () => window.meshkv.put('offline', 'written with no peers'))
    assert.equal(offline.queued, true)
    assert.deepEqual((await page.evaluate(() => window.meshkv.pending())).map(w => w.key), ['offline'])
    // a read of what the tab saw is answered from its copy
    assert.deepEqual(await page.evaluate(async () => window.meshkv.get('before')), ['sent at once'])
    await page.reload()
    await page.evaluate(async () => { await window.meshkv.ready })
    assert.deepEqual((await page.evaluate(() => window.meshkv.pending())).map(w => [w.key, w.value]), [['offline', 'written with no peers']], 'still pending after the reload')
    assert.match(await page.locator('#pending-count').innerText(), /^1$/)
    assert.deepEqual(await page.evaluate(async () => window.meshkv.get('offline')), ['written with no peers'])
    // the daemon back on the same ports and data dir: the queued write reaches it
    daemon = await startDaemon(spec)
    await waitFor('the queued write on the daemon', async () => {
      const res = await fetch(`${daemon.api}/kv/offline`)
      return res.status === 200 && await res.text() === 'written with no peers'
    }, 20_000, 200)
    await waitFor('nothing pending', async () => (await page.evaluate(() => window.meshkv.pending())).length === 0, 10_000, 100)
  })
})
