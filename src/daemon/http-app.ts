/**
 * The browser demo page (`meshkv daemon --web`): GET /app is the page,
 * with this daemon's WebSocket addresses inline (the tab joins through
 * them); /app/app.js is the bundle `npm run build` writes to dist/web;
 * /app/config.json is the page's config alone, for other pages and scripts.
 */
import { readFile } from 'node:fs/promises'
import { numberParams, sendError, sendJson } from './http-io.js'
import { MAX_PAGE_MEMBERS } from '../browser/awaited-members.js'
import type { ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'

/** dist/src/daemon/http-app.js -> dist/web/app.js */
const BUNDLE = new URL('../../web/app.js', import.meta.url)

/** What a tab needs to join: the cluster and its settings, this daemon's WebSocket multiaddrs, the members up. */
export function appConfig (node: MeshNode): { cluster: string, bootstrap: string[], members: string[], n: number, tokensPerUnit: number } {
  const ws = node.multiaddrs().filter(a => /\/wss?(\/|$)/.test(a) && !a.includes('/p2p-circuit'))
  // the members up now: a tab waits to hear them (itself aside) before it is ready
  const members = node.members().filter(m => m.state === 'up').map(m => m.id).slice(0, MAX_PAGE_MEMBERS)
  // the cluster's n and tokensPerUnit: a tab that started on other defaults would not be heard until it adopted these
  return { cluster: node.cluster, bootstrap: ws.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${node.peerId}`), members, n: node.quorums.n, tokensPerUnit: node.status().tokensPerUnit }
}

export async function serveApp (node: MeshNode, path: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
  if (path === '/app' || path === '/app/') {
    // ?capacity= is the page's own parameter (read by its script)
    numberParams(query, { capacity: { min: 0, max: 1_000_000 } })
    const html = page(appConfig(node))
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' })
    res.end(html)
  } else if (path === '/app/config.json') {
    numberParams(query, {})
    sendJson(res, 200, appConfig(node))
  } else if (path === '/app/app.js') {
    numberParams(query, {})
    let js: Buffer
    try {
      // read per request: a rebuilt bundle is served without a restart
      js = await readFile(BUNDLE)
    } catch {
      return sendError(res, 404, 'ERR_NO_BUNDLE', 'the browser bundle dist/web/app.js is missing: run npm run build')
    }
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'content-length': js.byteLength, 'cache-control': 'no-cache' })
    res.end(js)
  } else {
    sendError(res, 404, 'ERR_NO_ROUTE', `no such route: GET ${path.slice(0, 200)} (try /app, /app/app.js, /app/config.json)`)
  }
}

function page (config: object): string {
  // JSON inside <script>: "<" escaped, so no value can close the element
  const json = JSON.stringify(config).replace(/</g, '\\u003c')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshkv in a tab</title>
<link rel="icon" href="data:,">
<style>
body { font: 15px/1.4 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem }
code, #out, li { font-family: ui-monospace, monospace; font-size: 13px }
input { font: inherit; padding: .2rem .4rem }
#out { white-space: pre-wrap; background: #f4f4f4; padding: .5rem; min-height: 1.5rem }
</style>
<script id="meshkv-config" type="application/json">${json}</script>
</head>
<body>
<h1>meshkv in a tab</h1>
<p>This tab is a peer: <code id="peer">starting…</code>, a <span id="role"></span>; <b id="online"></b>.</p>
<p><input id="key" placeholder="key"> <input id="value" placeholder="value"> <button id="put">put</button> <button id="get">get</button></p>
<div id="out"></div>
<h2>Pending writes: <span id="pending-count">0</span></h2>
<ul id="pending"></ul>
<h2>Connections</h2>
<ul id="conns"></ul>
<script type="module" src="/app/app.js"></script>
</body>
</html>
`
}
