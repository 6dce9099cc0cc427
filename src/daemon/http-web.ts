/**
 * The web view's routes: GET / (the page, src/daemon/web/index.html, one
 * self-contained file read from the source tree, so a fresh clone serves it
 * after `npm run build` with no asset step), GET /members, GET /ring and
 * GET /events. The request series behind the page's charts is fed by the
 * API for every key request (/kv/KEY, /buckets/NAME/kv/KEY).
 */
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'
import { EventHub } from './http-events.js'
import { getMembers } from './http-members.js'
import { getRing } from './http-ring.js'
import { RequestSeries } from './request-series.js'
import { sendError } from './http-io.js'

export const WEB_PATHS = ['/', '/members', '/ring', '/events']

// next to the compiled file (a copy), else in the source tree beside dist/
const PAGE_CANDIDATES = [
  new URL('./web/index.html', import.meta.url),
  new URL('../../../src/daemon/web/index.html', import.meta.url)
]

let page: Promise<Buffer | undefined> | undefined

async function loadPage (): Promise<Buffer | undefined> {
  for (const url of PAGE_CANDIDATES) {
    try {
      return await readFile(url)
    } catch {}
  }
  return undefined
}

export class WebView {
  readonly series: RequestSeries
  readonly events: EventHub

  constructor (readonly node: MeshNode, sampleMs?: number) {
    this.series = new RequestSeries(sampleMs)
    this.events = new EventHub(node, this.series)
    this.series.start()
  }

  close (): void {
    this.events.close()
    this.series.stop()
  }
}

async function sendPage (res: ServerResponse): Promise<void> {
  page ??= loadPage()
  const body = await page
  if (body === undefined) {
    page = undefined
    sendError(res, 500, 'ERR_NO_WEB_PAGE', 'the web view\'s page (src/daemon/web/index.html) is missing from this install')
    return
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.byteLength,
    'cache-control': 'no-cache',
    // the page is self-contained: nothing from elsewhere, nothing framing it
    'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff'
  })
  res.end(body)
}

/** One of WEB_PATHS, GET only (the caller checked). */
export async function routeWeb (web: WebView, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (path === '/') await sendPage(res)
  else if (path === '/members') getMembers(web.node, res)
  else if (path === '/ring') getRing(web.node, res)
  else web.events.watch(req, res)
}
