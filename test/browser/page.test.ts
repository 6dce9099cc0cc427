/**
 * Browser tabs as peers: one daemon (n=3, r=2, w=2, --web) and two pages
 * that are storage members (/app?capacity=1). A value written in one page
 * is read in the other, and the pages reach each other directly over
 * WebRTC (signalled through the daemon's relay), not only through it.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitFor } from '../fixtures/cluster.js'
import { chromiumSkip, startWebLab } from '../fixtures/browser.js'
import type { Browser, Page } from 'playwright-core'
import type { Daemon } from '../fixtures/daemon.js'
import type { PageMeshkv, WebLab } from '../fixtures/browser.js'

declare const window: { meshkv: PageMeshkv }
declare const indexedDB: any

/**
 * Runs in a page: whether the tab's replica store (IndexedDB through
 * browser-level: database `level-js-<db>`, object store `<db>`, where <db>
 * is meshkv-<cluster>, or meshkv-<cluster>-2 for a second tab of one
 * profile) holds a record of `key` (stored as /r/<base64url of the key>).
 */
async function heldInIndexedDb ({ db, key }: { db: string, key: string }): Promise<boolean> {
  const b64 = btoa(key).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const want = `/r/${b64}`
  const names: string[] = (await indexedDB.databases()).map((d: { name: string }) => d.name)
  for (const name of names.filter(n => n === `level-js-${db}`)) {
    const keys: unknown[] = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name)
      open.onerror = () => { reject(open.error) }
      open.onsuccess = () => {
        const db = open.result
        const store = name.slice('level-js-'.length)
        const req = db.transaction(store, 'readonly').objectStore(store).getAllKeys()
        req.onsuccess = () => { db.close(); resolve(req.result) }
        req.onerror = () => { db.close(); reject(req.error) }
      }
    })
    if (keys.some(k => (typeof k === 'string' ? k : new TextDecoder().decode(k as Uint8Array)) === want)) return true
  }
  return false
}

describe('browser pages as storage members', { skip: chromiumSkip() }, () => {
  let lab: WebLab | undefined
  let daemon: Daemon
  let browser: Browser
  const pages: Page[] = []

  before(async () => {
    lab = await startWebLab('browser-pages', { n: 3, r: 2, w: 2 })
    ;({ daemon, browser } = lab)
    // two contexts: two tabs of one profile would share their IndexedDB, so their identity
    for (let i = 0; i < 2; i++) pages.push(await (await browser.newContext()).newPage())
    await Promise.all(pages.map(async p => p.goto(`${daemon.api}/app?capacity=1`)))
    await Promise.all(pages.map(async p => p.evaluate(async () => { await window.meshkv.ready })))
  })

  after(async () => { await lab?.close() })

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
    // n=3 over three members: each page, a storage member, holds the key's record in its own IndexedDB
    for (const p of pages) assert.equal(await p.evaluate(heldInIndexedDb, { db: 'meshkv-browser-pages', key: 'greeting' }), true)
  })

  test('window.meshkv has exactly ready, peerId, put, get, pending and connections', async () => {
    const shape = await pages[0].evaluate(async () => {
      const api = window.meshkv as unknown as Record<string, unknown>
      const conns = window.meshkv.connections()
      return {
        keys: Object.keys(api).sort(),
        ready: api.ready instanceof Promise,
        peerId: typeof api.peerId,
        functions: ['put', 'get', 'pending', 'connections'].filter(k => typeof api[k] === 'function'),
        conns: conns.length > 0 && conns.every(c => typeof c === 'string' && c.startsWith('/')),
        pending: window.meshkv.pending()
      }
    })
    assert.deepEqual(shape, { keys: ['connections', 'get', 'peerId', 'pending', 'put', 'ready'], ready: true, peerId: 'string', functions: ['put', 'get', 'pending', 'connections'], conns: true, pending: [] })
  })

  test('bad input from a tab gets a clear error and breaks nothing', async () => {
    const refusals = await pages[0].evaluate(async () => {
      const api = window.meshkv as unknown as { put: (k: unknown, v: unknown) => Promise<unknown>, get: (k: unknown) => Promise<unknown> }
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['put number key', async () => api.put(1, 'v')],
        ['put empty key', async () => api.put('', 'v')],
        ['put control character', async () => api.put('a\u0000b', 'v')],
        ['put bucket key', async () => api.put('\u0001photos/cat', 'v')],
        ['put null value', async () => api.put('greeting', null)],
        ['put object value', async () => api.put('greeting', { v: 1 })],
        ['put too large', async () => api.put('big', 'x'.repeat(1024 * 1024 + 1))],
        ['get undefined', async () => api.get(undefined)],
        ['get bucket key', async () => api.get('\u0001photos/cat')]
      ]
      const out: Record<string, string> = {}
      for (const [what, call] of calls) {
        try {
          await call()
          out[what] = 'accepted'
        } catch (err) {
          out[what] = `${(err as { code?: string }).code ?? 'no code'}: ${(err as Error).message}`
        }
      }
      return out
    })
    const codes = Object.fromEntries(Object.entries(refusals).map(([k, v]) => [k, v.split(':')[0]]))
    assert.deepEqual(codes, {
      'put number key': 'ERR_INVALID_KEY',
      'put empty key': 'ERR_INVALID_KEY',
      'put control character': 'ERR_INVALID_KEY',
      'put bucket key': 'ERR_INVALID_KEY',
      'put null value': 'ERR_INVALID_ARGUMENT',
      'put object value': 'ERR_INVALID_ARGUMENT',
      'put too large': 'ERR_PAYLOAD_TOO_LARGE',
      'get undefined': 'ERR_INVALID_KEY',
      'get bucket key': 'ERR_INVALID_KEY'
    }, JSON.stringify(refusals))
    // nothing was queued, nothing was deleted, and the tab still works
    assert.deepEqual(await pages[0].evaluate(() => window.meshkv.pending()), [])
    assert.deepEqual(await pages[1].evaluate(async () => window.meshkv.get('greeting')), ['hello from a tab'])
    assert.equal((await pages[0].evaluate(async () => window.meshkv.put('after bad input', 'fine'))).queued, false)
  })

  test('the pages are connected to each other directly over WebRTC', async () => {
    const ids = await Promise.all(pages.map(async p => p.evaluate(() => window.meshkv.peerId)))
    // a relayed connection's address ends /p2p-circuit/p2p/<id>; a WebRTC one has /webrtc in it (/p2p-circuit/webrtc when dialled through the relay)
    const direct = (addrs: string[], other: string): boolean => addrs.some(a => a.includes('/webrtc') && a.endsWith(`/p2p/${other}`))
    await waitFor('a WebRTC connection between the pages', async () => {
      const [a, b] = await Promise.all(pages.map(async p => p.evaluate(() => window.meshkv.connections())))
      return direct(a, ids[1]) && direct(b, ids[0])
    }, 20_000, 250)
    // the page says so too, and how it reaches the daemon
    const shown = await pages[0].locator('#conns').innerText()
    assert.match(shown, new RegExp(`direct WebRTC: ${ids[1].slice(-8)} `))
    assert.match(shown, new RegExp(`WebSockets: ${daemon.peerId.slice(-8)} `))
  })

  test('a second tab of the same browser profile is a peer of its own', async () => {
    const second = await pages[0].context().newPage()
    try {
      await second.goto(`${daemon.api}/app`)
      await second.evaluate(async () => { await window.meshkv.ready })
      const [first, other] = await Promise.all([pages[0], second].map(async p => p.evaluate(() => window.meshkv.peerId)))
      assert.notEqual(other, first, 'one IndexedDB, two identities: the second tab took databases of its own')
      assert.deepEqual(await second.evaluate(async () => window.meshkv.get('greeting')), ['hello from a tab'])
      // /app with no capacity: a coordinator and cache, no member (the daemon's view still has the daemon and the two member pages)
      assert.match(await second.locator('#role').innerText(), /capacity 0/)
      const members = (await (await fetch(`${daemon.api}/members`)).json() as { members: Array<{ peerId: string }> }).members.map(m => m.peerId)
      assert.equal(members.length, 3)
      assert.ok(!members.includes(other), 'the capacity-0 tab is not a member')
      assert.equal(await second.evaluate(heldInIndexedDb, { db: 'meshkv-browser-pages-2', key: 'greeting' }), false, 'and it holds no share')
    } finally {
      await second.close()
    }
  })
})
