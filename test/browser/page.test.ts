/**
 * Browser tabs as peers: one daemon (n=3, r=2, w=2, --web) and two pages
 * that are storage members (/app?capacity=1). A value written in one page
 * is read in the other, and the pages reach each other directly over
 * WebRTC (signalled through the daemon's relay), not only through it.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { freePort, startDaemon, stopAll } from '../fixtures/daemon.js'
import { chromiumSkip, launchChromium } from '../fixtures/browser.js'
import type { Browser, Page } from 'playwright-core'
import type { Daemon } from '../fixtures/daemon.js'
import type { PageMeshkv } from '../fixtures/browser.js'

declare const window: { meshkv: PageMeshkv }

describe('browser pages as storage members', { skip: chromiumSkip() }, () => {
  let dir: string
  let daemon: Daemon
  let browser: Browser
  const pages: Page[] = []

  before(async () => {
    dir = await tempDir()
    const ws = await freePort()
    daemon = await startDaemon({ dir, cluster: 'browser-pages', config: { n: 3, r: 2, w: 2 }, args: ['--listen', `/ip4/127.0.0.1/tcp/${ws}/ws`, '--web'] })
    browser = await launchChromium()
    // two contexts: two tabs of one profile would share their IndexedDB, so their identity
    for (let i = 0; i < 2; i++) pages.push(await (await browser.newContext()).newPage())
    await Promise.all(pages.map(async p => p.goto(`${daemon.api}/app?capacity=1`)))
    await Promise.all(pages.map(async p => p.evaluate(async () => { await window.meshkv.ready })))
  })

  after(async () => {
    await browser?.close()
    await stopAll(daemon === undefined ? [] : [daemon])
    await rm(dir, { recursive: true, force: true })
  })

  test('a value written in one page is read in the other', async () => {
    // both pages are in the daemon's ring before a quorum of two can count on them
    await waitFor('both pages are members', async () => {
      const status = await (await fetch(`${daemon.api}/status`)).json() as { members: Array<{ state: string }> }
      return status.members.filter(m => m.state === 'up').length === 3
    }, 20_000, 200)
    const put = await pages[0].evaluate(async () => window.meshkv.put('greeting', 'hello from a tab'))
    assert.equal(put.queued, false, 'the write reached the cluster')
    assert.deepEqual(await pages[1].evaluate(async () => window.meshkv.get('greeting')), ['hello from a tab'])
    assert.deepEqual(await pages[1].evaluate(async () => window.meshkv.get('no such key')), [])
    // and the daemon has it too
    const res = await fetch(`${daemon.api}/kv/greeting`)
    assert.equal(await res.text(), 'hello from a tab')
  })

  test('the pages are connected to each other directly over WebRTC', async () => {
    const ids = await Promise.all(pages.map(async p => p.evaluate(() => window.meshkv.peerId)))
    // a relayed connection's address ends /p2p-circuit/p2p/<id>; a WebRTC one has /webrtc in it (/p2p-circuit/webrtc when dialled through the relay)
    const direct = (addrs: string[], other: string): boolean => addrs.some(a => a.includes('/webrtc') && a.endsWith(`/p2p/${other}`))
    await waitFor('a WebRTC connection between the pages', async () => {
      const [a, b] = await Promise.all(pages.map(async p => p.evaluate(() => window.meshkv.connections())))
      return direct(a, ids[1]) && direct(b, ids[0])
    }, 20_000, 250)
    // the page says so too
    const shown = await pages[0].locator('#conns').innerText()
    assert.match(shown, /direct WebRTC/)
  })

  test('a second tab of the same browser profile is a peer of its own', async () => {
    const second = await pages[0].context().newPage()
    try {
      await second.goto(`${daemon.api}/app`)
      await second.evaluate(async () => { await window.meshkv.ready })
      const [first, other] = await Promise.all([pages[0], second].map(async p => p.evaluate(() => window.meshkv.peerId)))
      assert.notEqual(other, first, 'one IndexedDB, two identities: the second tab took databases of its own')
      assert.deepEqual(await second.evaluate(async () => window.meshkv.get('greeting')), ['hello from a tab'])
    } finally {
      await second.close()
    }
  })
})
