/**
 * The web view in headless Chromium against 3 real daemons: the page on one
 * shows a row for every member (data-peer, data-state up, the keys it
 * holds), and a daemon killed with SIGKILL turns `down` in the page
 * without a reload (the page
 * follows GET /events). With MESHKV_WEB_SCREENSHOT=FILE it also leaves a
 * screenshot of the page there (how docs/web-view.png is made).
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { chromiumSkip, launchChromium } from '../fixtures/browser.js'
import { startDaemon, stopAll } from '../fixtures/daemon.js'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import type { Browser, Page } from 'playwright-core'
import type { Daemon } from '../fixtures/daemon.js'

describe('web view in Chromium on 3 daemons', { skip: chromiumSkip() }, () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  let browser: Browser | undefined
  let page: Page

  before(async () => {
    const launched = launchChromium()
    for (let i = 0; i < 3; i++) dirs.push(await tempDir('meshkv-web-'))
    const spec = (i: number, bootstrap: string[]): Parameters<typeof startDaemon>[0] => ({ dir: dirs[i], cluster: 'webview', bootstrap, config: { n: 3, r: 2, w: 2, announceMs: 2000 } })
    daemons.push(await startDaemon(spec(0, [])))
    // the other two join through the first at once (in order: daemons[i] is dirs[i])
    daemons.push(...await Promise.all([1, 2].map(async i => await startDaemon(spec(i, [daemons[0].multiaddrs[0]])))))
    await waitFor('3 members up on every daemon', async () => {
      const views = await Promise.all(daemons.map(async d => await (await fetch(`${d.api}/members`)).json() as { members: Array<{ state: string }> }))
      return views.every(v => v.members.filter(m => m.state === 'up').length === 3)
    }, 20_000, 200)
    for (let i = 0; i < 24; i++) {
      const res = await fetch(`${daemons[i % 3].api}/kv/${encodeURIComponent(`user:${i}`)}`, { method: 'PUT', body: `value ${i}` })
      assert.equal(res.status, 200)
    }
    browser = await launched
    page = await browser.newPage({ viewport: { width: 1400, height: 760 } })
  })

  after(async () => {
    await browser?.close()
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  const rowState = async (peerId: string): Promise<string | null> =>
    await page.locator(`tr[data-peer="${peerId}"]`).getAttribute('data-state', { timeout: 1000 }).catch(() => null)

  test('the page shows every member up, then a killed daemon\'s row turns down', async () => {
    const errors: string[] = []
    page.on('pageerror', err => { errors.push(err.message) })
    await page.goto(daemons[0].api + '/', { timeout: 15_000 })
    await page.waitForSelector('tr[data-peer]', { timeout: 10_000 })
    await waitFor('a row per member, each up', async () => {
      const states = await Promise.all(daemons.map(async d => await rowState(d.peerId)))
      return states.every(s => s === 'up')
    }, 10_000, 200)
    assert.equal(await page.locator('tr[data-peer]').count(), 3)
    // the ring is drawn: one arc path per peer, in the peers' colours
    assert.equal(await page.locator('#ring svg path[data-owner]').count(), 3)
    // every row says how many keys that member holds (n = 3: all of them); another member's
    // count is the one in its last announcement (announceMs 2 s here)
    const keysOf = async (peerId: string): Promise<string | null> => await page.locator(`tr[data-peer="${peerId}"] td:nth-child(10)`).textContent({ timeout: 1000 }).catch(() => null)
    assert.equal(await keysOf(daemons[0].peerId), '24')
    await waitFor('every member\'s keys in its row', async () => (await Promise.all(daemons.map(async d => await keysOf(d.peerId)))).every(k => k === '24'), 15_000, 250)
    if (process.env.MESHKV_WEB_SCREENSHOT !== undefined) {
      // some load in the charts first, still running when the picture is taken
      let loading = true
      const load = (async () => {
        for (let i = 0; loading; i++) {
          const res = await fetch(`${daemons[0].api}/kv/user:${i % 24}`, i % 4 === 0 ? { method: 'PUT', body: `value ${i}` } : {})
          await res.arrayBuffer()
        }
      })()
      await page.waitForTimeout(9000)
      await page.screenshot({ path: process.env.MESHKV_WEB_SCREENSHOT, fullPage: true })
      loading = false
      await load
    }

    const victim = daemons[2]
    victim.proc.kill('SIGKILL')
    await victim.exited
    const started = Date.now()
    await waitFor(`the killed peer's row to turn down (now ${String(await rowState(victim.peerId))})`, async () => await rowState(victim.peerId) === 'down', 20_000, 250)
    const tookMs = Date.now() - started
    assert.equal(await rowState(daemons[1].peerId), 'up', 'the other peers stay up')
    assert.equal(await rowState(daemons[0].peerId), 'up')
    // the page did not reload: it followed the event stream
    assert.equal(await page.locator('#live').textContent(), 'live')
    assert.deepEqual(errors, [])
    console.log(`# killed peer shown down after ${tookMs} ms`)
  })
})
