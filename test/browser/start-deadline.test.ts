/**
 * A tab's start has deadlines of its own: when its local store or its
 * node's store cannot open (another page of the origin holds the IndexedDB
 * database in an upgrade that never ends), `ready` fails with a timeout
 * and the page says so, instead of hanging for ever. The failed tab keeps
 * its databases while their open may still complete: another tab of the
 * profile starts on the next ones.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { chromiumSkip, startWebLab } from '../fixtures/browser.js'
import type { Browser, BrowserContext } from 'playwright-core'
import type { Daemon } from '../fixtures/daemon.js'
import type { PageMeshkv, WebLab } from '../fixtures/browser.js'

declare const window: { meshkv: PageMeshkv }
declare const indexedDB: any

const CLUSTER = 'browser-deadline'

/** Runs in a page: open `db` (as browser-level names it) and keep its upgrade transaction open, so every other open of it waits. */
async function holdInUpgrade (db: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.open(`level-js-${db}`, 1)
    req.onerror = () => { reject(req.error) }
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(db)
      // a request chained on each success: the transaction never completes
      const spin = (): void => { store.get('x').onsuccess = spin }
      spin()
      resolve()
    }
  })
}

/** What the page's `ready` came to within `ms`: 'ready', the error's code, or 'pending'. */
async function readyWithin (context: BrowserContext, url: string, ms: number): Promise<{ outcome: string, shown: string }> {
  const page = await context.newPage()
  await page.goto(url)
  const outcome = await page.evaluate(async (ms) => Promise.race([
    window.meshkv.ready.then(() => 'ready', (err: { code?: string }) => err.code ?? 'no code'),
    new Promise<string>(resolve => setTimeout(() => { resolve('pending') }, ms))
  ]), ms)
  return { outcome, shown: await page.locator('#out').innerText() }
}

describe('a tab whose databases do not open', { skip: chromiumSkip() }, () => {
  let lab: WebLab | undefined
  let daemon: Daemon
  let browser: Browser

  before(async () => {
    lab = await startWebLab(CLUSTER, { n: 1 })
    ;({ daemon, browser } = lab)
  })

  after(async () => { await lab?.close() })

  const cases = [
    { what: 'its local store', db: `meshkv-${CLUSTER}-local`, says: /failed to start: this tab's local store \(IndexedDB meshkv-browser-deadline-local\) did not open within 10000 ms/ },
    { what: 'its node\'s store', db: `meshkv-${CLUSTER}`, says: /failed to start: this tab's node \(its store, IndexedDB meshkv-browser-deadline\) did not start within 15000 ms/ }
  ]
  for (const { what, db, says } of cases) {
    test(`fails to start with a timeout when ${what} is blocked`, async () => {
      const context = await browser.newContext()
      try {
        const blocker = await context.newPage()
        // any page of the daemon's origin: the tab's databases are the origin's
        await blocker.goto(`${daemon.api}/members`)
        await blocker.evaluate(holdInUpgrade, db)
        const { outcome, shown } = await readyWithin(context, `${daemon.api}/app`, 20_000)
        assert.equal(outcome, 'ERR_TIMEOUT')
        assert.match(shown, says)
        // the failed tab still holds its databases (their open may yet complete): another tab takes the next ones
        const second = await readyWithin(context, `${daemon.api}/app`, 20_000)
        assert.equal(second.outcome, 'ready')
        const names = await blocker.evaluate(async () => (await indexedDB.databases()).map((d: { name: string }) => d.name) as string[])
        assert.ok(names.includes(`level-js-meshkv-${CLUSTER}-2`), names.join(' '))
      } finally {
        await context.close()
      }
    })
  }
})
