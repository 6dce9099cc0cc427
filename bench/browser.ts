/**
 * `browser`: what a tab costs. One daemon (`--web`, n=1) and one tab that
 * is a storage member; then, `--rounds` times, a fresh tab (a new browser
 * context: empty IndexedDB, new identity) opens /app and the bench times,
 * from the start of the page load, its first successful get (a key written
 * through the daemon's HTTP API beforehand) and its first direct WebRTC
 * connection to the member tab. Also the bundle's size, raw and gzipped,
 * how soon a reloaded member tab is ready, and, with every peer gone, how
 * soon a reloaded tab is ready and answers a get from its copy.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '../test/fixtures/browser.js'
import { onCleanup } from './lib/cleanup.js'
import { freePort, startChild, tempDir, waitFor } from './lib/procs.js'
import { printTable } from './lib/table.js'
import type { Benchmark } from './lib/bench.js'

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')

declare const window: { meshkv: { ready: Promise<void>, peerId: string, get: (k: string) => Promise<string[]>, connections: () => string[] } }

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]
}

export const browser: Benchmark = {
  name: 'browser',
  summary: 'a browser tab: bundle size, page load to first get and to a direct WebRTC connection',
  options: {
    rounds: { type: 'string', default: '5', help: 'fresh tabs opened and timed' },
    capacity: { type: 'string', default: '0', help: 'the timed tabs\' capacity (0: coordinator and cache)' }
  },
  async run (args) {
    const rounds = args.num('rounds', 1, 100)
    const capacity = args.num('capacity', 0, 100)
    const js = await readFile(join(ROOT, 'dist', 'web', 'app.js'))
    const dir = await tempDir('meshkv-bench-browser')
    const [api, tcp, ws] = [await freePort(), await freePort(), await freePort()]
    const config = join(dir, 'config.json')
    await writeFile(config, JSON.stringify({ cluster: 'bench-browser', n: 1, heartbeatMs: 250, memberTimeoutMs: 1500 }))
    const daemon = startChild('daemon', process.execPath, [join(ROOT, 'bin', 'meshkv'), 'daemon', '--config', config, '--data', join(dir, 'data'),
      '--api', `127.0.0.1:${api}`, '--listen', `/ip4/127.0.0.1/tcp/${tcp}`, '--listen', `/ip4/127.0.0.1/tcp/${ws}/ws`, '--web'])
    const base = `http://127.0.0.1:${api}`
    await waitFor('the daemon', async () => (await fetch(`${base}/status`).catch(() => undefined))?.ok === true)
    const put = await fetch(`${base}/kv/bench-key`, { method: 'PUT', body: 'bench-value' })
    if (!put.ok) throw new Error(`put through the daemon failed: ${put.status} ${await put.text()}`)
    const chromium = await launchChromium()
    onCleanup('close chromium', async () => { await chromium.close() })
    const member = await (await chromium.newContext()).newPage()
    await member.goto(`${base}/app?capacity=1`)
    await member.evaluate(async () => { await window.meshkv.ready })
    const memberId = await member.evaluate(() => window.meshkv.peerId)
    const rows: Array<{ round: number, readyMs: number, firstGetMs: number, webrtcMs: number }> = []
    for (let round = 1; round <= rounds; round++) {
      const context = await chromium.newContext()
      const page = await context.newPage()
      const t0 = performance.now()
      await page.goto(`${base}/app?capacity=${capacity}`)
      await page.evaluate(async () => { await window.meshkv.ready })
      const readyMs = performance.now() - t0
      let firstGetMs = NaN
      let webrtcMs = NaN
      const until = t0 + 30_000
      while (performance.now() < until && (Number.isNaN(firstGetMs) || Number.isNaN(webrtcMs))) {
        if (Number.isNaN(firstGetMs) && (await page.evaluate(async () => window.meshkv.get('bench-key'))).includes('bench-value')) firstGetMs = performance.now() - t0
        if (Number.isNaN(webrtcMs) && (await page.evaluate(() => window.meshkv.connections())).some(a => a.includes('/webrtc') && a.endsWith(memberId))) webrtcMs = performance.now() - t0
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      rows.push({ round, readyMs: Math.round(readyMs), firstGetMs: Math.round(firstGetMs), webrtcMs: Math.round(webrtcMs) })
      await context.close()
    }
    // offline: a tab that has read the key, all its peers gone, reloaded (its page and bundle served from
    // copies, as a service worker would): how soon it is ready and answers from its copy
    const offline = await (await chromium.newContext()).newPage()
    await offline.goto(`${base}/app`)
    await offline.evaluate(async () => { await window.meshkv.ready })
    await waitFor('the tab reads the key', async () => (await offline.evaluate(async () => window.meshkv.get('bench-key'))).includes('bench-value'), 30_000)
    const html = await offline.content()
    // (the key read first: it lives on the member tab, whose keys are away while it rejoins)
    // a reload of the member tab (same identity: the page it is served names it among the members up)
    const t2 = performance.now()
    await member.reload()
    await member.evaluate(async () => { await window.meshkv.ready })
    const memberReloadMs = Math.round(performance.now() - t2)
    await member.context().close()
    await daemon.stop()
    await offline.route(`${base}/app`, async r => r.fulfill({ body: html, contentType: 'text/html' }))
    await offline.route(`${base}/app/app.js`, async r => r.fulfill({ body: js, contentType: 'text/javascript' }))
    const t1 = performance.now()
    await offline.reload()
    await offline.evaluate(async () => { await window.meshkv.ready })
    const offlineReadyMs = Math.round(performance.now() - t1)
    const stale = await offline.evaluate(async () => window.meshkv.get('bench-key'))
    const offlineGetMs = Math.round(performance.now() - t1)
    if (!stale.includes('bench-value')) throw new Error(`offline, the tab answered ${JSON.stringify(stale)} for bench-key`)
    await chromium.close()
    const summary = {
      bundleBytes: js.byteLength,
      bundleGzipBytes: gzipSync(js).byteLength,
      capacity,
      medianReadyMs: median(rows.map(r => r.readyMs)),
      medianFirstGetMs: median(rows.map(r => r.firstGetMs)),
      medianWebrtcMs: median(rows.map(r => r.webrtcMs)),
      memberReloadMs,
      offlineReadyMs,
      offlineGetMs
    }
    printTable({
      title: `browser tab (capacity ${capacity}): bundle ${(summary.bundleBytes / 1024).toFixed(0)} KiB, ${(summary.bundleGzipBytes / 1024).toFixed(0)} KiB gzipped`,
      columns: ['round', 'load to ready ms', 'load to first get ms', 'load to direct WebRTC ms'],
      rows: rows.map(r => [r.round, r.readyMs, r.firstGetMs, r.webrtcMs])
    })
    console.log(`a reload of the member tab: ready ${memberReloadMs} ms after the reload began`)
    console.log(`offline (no peer left), a reload of a tab: ready ${offlineReadyMs} ms, first get (from its copy) ${offlineGetMs} ms after the reload began`)
    return { summary, rounds: rows }
  }
}
