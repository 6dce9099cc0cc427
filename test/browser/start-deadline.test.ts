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
import { rm } from 'node:fs/promises'
import { tempDir } from '../fixtures/cluster.js'
import { freePort, startDaemon, stopAll } from '../fixtures/daemon.js'
import { chromiumSkip, launchChromium } from '../fixtures/browser.js'
import type { Browser, BrowserContext } from 'playwright-core'
import type { Daemon } from '../fixtures/daemon.js'
import type { PageMeshkv } from '../fixtures/browser.js'

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
  let dir: string
  let daemon: Daemon
  let browser: Browser

  before(async () => {
    dir = await tempDir()
    const ws = await freePort()
    daemon = await startDaemon({ dir, cluster: CLUSTER, config: { n: 1 }, args: ['--listen', `/ip4/127.0.0.1/tcp/${ws}/ws`, '--web'] })
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await stopAll(daemon === undefined ? [] : [daemon])
    await rm(dir, { recursive: true, force: true })
  })

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
