/**
 * The daemon's HTTP API on node:http, 127.0.0.1 by default: /kv/:key,
 * /buckets/..., /status, /metrics, and the web view (/, /members, /ring, /events). Every request is answered or times out; a handler
 * that throws becomes an error reply, never a crashed daemon.
 */
import { createServer } from 'node:http'
import { DEFAULT_MAX_INFLIGHT, DEFAULT_MAX_VALUE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, MAX_CONTEXT_CHARS } from '../constants.js'
import { InvalidConfigError, InvalidKeyError, UnauthorizedError, errorCode } from '../errors.js'
import { leaveStreaming } from './http-leave.js'
import { exportStreaming, importStreaming } from './http-backup.js'
import { deleteKv, getKv, MAX_TIMEOUT_PARAM_MS, putKv } from './http-kv.js'
import { getLocal } from './http-local.js'
import { routeWeb, WEB_PATHS, WebView } from './http-web.js'
import { admissionRoute } from './http-admission.js'
import { bearerAuthorizer } from './http-auth.js'
import { isLoopback } from './config-keys.js'
import { HttpGuard } from './http-guard.js'
import type { GuardOptions } from './http-guard.js'
import { BUCKETS, routeBuckets } from './http-buckets.js'
import { serveApp } from './http-app.js'
import { numberParams, sendError, sendFailure, sendJson, statusOf } from './http-io.js'
import { getMetrics } from './http-metrics.js'
import { assignTrace } from './http-trace.js'
import type { Libp2pPrometheus } from './prometheus.js'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MeshNode } from '../node.js'
import type { Log } from './log.js'

export interface HttpApiInit {
  node: MeshNode
  host: string
  /** 0 picks a free port */
  port: number
  log: Log
  /** leave the cluster, then stop the daemon (POST /leave); absent, the route is refused */
  leave?: () => Promise<void>
  /** bearer token every request must carry; required off loopback */
  token?: string
  /** load shedding: maxInflight, per-client rate (default: DEFAULT_MAX_INFLIGHT, no rate limit) */
  protection?: Partial<GuardOptions>
  /** libp2p's metrics, added to /metrics (src/daemon/prometheus.ts) */
  libp2pMetrics?: Libp2pPrometheus
  /** serve the browser demo page and its bundle at /app (`daemon --web`) */
  web?: boolean
}

export interface HttpApi {
  readonly server: Server
  /** `http://HOST:PORT`, with the port actually bound */
  readonly url: string
  /** Stop accepting; requests in flight get `graceMs` to finish, then their sockets are closed. */
  close: (graceMs?: number) => Promise<void>
}

const KV = '/kv/'
/** the adaptive in-flight limit steers client operations towards this fraction of their deadline */
const TARGET_LATENCY_DIVISOR = 10
const LOCAL = '/local/'

const BUCKET_KEY = /^\/buckets\/[^/?]+\/kv\//

/** A client's key request: /kv/KEY or /buckets/NAME/kv/KEY. */
function isKeyRequest (url: string): boolean {
  return url.startsWith(KV) || BUCKET_KEY.test(url)
}

function targetLatency (init: HttpApiInit): number | undefined {
  const ms = init.protection?.targetLatencyMs ?? (init.node.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) / TARGET_LATENCY_DIVISOR
  return ms > 0 ? ms : undefined
}

function decodeKey (raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new InvalidKeyError('key is not valid percent-encoding')
  }
}

function withPeerId (addr: string, peerId: string): string {
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${peerId}`
}

async function route (init: HttpApiInit, web: WebView, url: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { node } = init
  const raw = req.url ?? '/'
  const q = raw.indexOf('?')
  // the raw path, not URL-normalised: a key may hold "/", "..", "%2F"
  const path = q < 0 ? raw : raw.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))
  const method = req.method ?? 'GET'
  const only = (allowed: string[]): boolean => {
    if (allowed.includes(method)) return true
    sendError(res, 405, 'ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`, {}, { allow: allowed.join(', ') })
    return false
  }
  if (path.startsWith(KV)) {
    if (!only(['GET', 'PUT', 'DELETE'])) return
    const maxValueBytes = node.options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES
    const kv = { node, key: decodeKey(path.slice(KV.length)), query, req, res, maxValueBytes }
    if (method === 'GET') await getKv(kv)
    else if (method === 'PUT') await putKv(kv)
    else await deleteKv(kv)
  } else if (path === BUCKETS || path.startsWith(`${BUCKETS}/`)) {
    await routeBuckets({ node, rest: path.slice(BUCKETS.length), method, query, req, res, only, decodeKey })
  } else if (path.startsWith(LOCAL)) {
    if (!only(['GET'])) return
    numberParams(query, {})
    await getLocal(node, decodeKey(path.slice(LOCAL.length)), res)
  } else if (path === '/status') {
    if (!only(['GET'])) return
    numberParams(query, {})
    const status = node.status()
    sendJson(res, 200, { ...status, multiaddrs: status.multiaddrs.map(a => withPeerId(a, status.peerId)), api: url })
  } else if (path === '/leave') {
    if (!only(['POST'])) return
    numberParams(query, {})
    if (init.leave === undefined) return sendError(res, 501, 'ERR_NOT_SUPPORTED', 'this API cannot make its peer leave')
    await leaveStreaming(node, init.leave, res)
  } else if (path === '/admission' || path.startsWith('/admission/')) {
    numberParams(query, {})
    await admissionRoute(node, path, method, req, res)
  } else if (path === '/export') {
    if (!only(['GET'])) return
    numberParams(query, {})
    await exportStreaming(node, req, res)
  } else if (path === '/import') {
    if (!only(['POST'])) return
    numberParams(query, {})
    await importStreaming(node, req, res)
  } else if (path === '/metrics') {
    if (!only(['GET'])) return
    numberParams(query, {})
    await getMetrics(node, init.libp2pMetrics, res)
  } else if (WEB_PATHS.includes(path)) {
    if (!only(['GET'])) return
    numberParams(query, {})
    await routeWeb(web, path, req, res)
  } else if (init.web === true && (path === '/app' || path.startsWith('/app/'))) {
    if (!only(['GET'])) return
    await serveApp(node, path, query, res)
  } else {
    sendError(res, 404, 'ERR_NO_ROUTE', `no such route: ${method} ${path.slice(0, 200)} (try /kv/KEY, /buckets, /buckets/NAME, /buckets/NAME/kv/KEY, /local/KEY, /status, /metrics, POST /leave, GET /export, POST /import, /admission, /members, /ring, /events, / for the web view, /app with --web)`)
  }
}

/** Start the API; resolves once it is listening. */
export async function startHttpApi (init: HttpApiInit): Promise<HttpApi> {
  const { log } = init
  if (init.token === undefined && !isLoopback(init.host)) {
    throw new InvalidConfigError(`the HTTP API on ${init.host} (not loopback) needs a bearer token: set apiToken or apiTokenFile`, 'api')
  }
  const authorized = init.token === undefined ? () => true : bearerAuthorizer(init.token)
  let url = ''
  const web = new WebView(init.node)
  const guard = new HttpGuard({
    maxInflight: init.protection?.maxInflight ?? DEFAULT_MAX_INFLIGHT,
    clientRatePerSec: init.protection?.clientRatePerSec ?? 0,
    clientBurst: init.protection?.clientBurst ?? 0,
    // latency kept well inside a client operation's deadline: past it, load would end in timeouts (5xx); 0 turns it off
    targetLatencyMs: targetLatency(init),
    now: init.protection?.now
  })
  const unobserve = init.node.metrics.onObserve('meshkv_client_ms', (_labels, ms) => { guard.observe(ms) })
  init.node.metrics.gauge('meshkv_http_inflight', 'client requests the HTTP API works on now, and the most it lets in now (maxInflight, or less while client operations are slow)', () => [
    [{ what: 'inflight' }, guard.inFlight],
    [{ what: 'limit' }, guard.limit]
  ])
  init.node.metrics.describe('meshkv_http_refused_total', 'client requests answered 429 (ERR_OVERLOADED): too many in flight, or a client over its rate')
  const server = createServer({
    // a causal context travels in a header and may be larger than node's default 16 KiB of headers
    maxHeaderSize: MAX_CONTEXT_CHARS + 16 * 1024,
    headersTimeout: 10_000,
    requestTimeout: 60_000
  }, (req, res) => {
    const started = performance.now()
    // every reply carries the request's id, a refusal's too
    const { requestId } = assignTrace(req, res)
    if (!authorized(req)) {
      sendFailure(res, new UnauthorizedError('this API requires a bearer token: send Authorization: Bearer TOKEN (the CLI takes --api-token, --api-token-file or MESHKV_API_TOKEN)'))
      return
    }
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    const admitted = guard.admit(q < 0 ? raw : raw.slice(0, q), req.socket.remoteAddress ?? 'unknown')
    if ('refused' in admitted) {
      init.node.metrics.inc('meshkv_http_refused_total', { reason: admitted.reason })
      // the body is not read: the connection is closed after the reply
      if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) res.setHeader('connection', 'close')
      sendFailure(res, admitted.refused)
      return
    }
    res.once('close', admitted.release)
    route(init, web, url, req, res).catch(err => {
      const status = statusOf(err)
      if (status >= 500 && errorCode(err) === 'ERR_INTERNAL') log.error('request failed', { req: requestId, method: req.method, url: req.url?.slice(0, 200), err })
      if (res.headersSent) res.destroy()
      else sendFailure(res, err)
    }).finally(() => {
      // client requests only (keys of the default bucket and of named ones): the web view's own polling is not load
      if (isKeyRequest(raw)) web.series.record(performance.now() - started, res.statusCode)
      log.debug('request', { req: requestId, method: req.method, url: req.url?.slice(0, 200), status: res.statusCode, ms: Math.round(performance.now() - started) })
    })
  })
  // an idle or stalled socket is closed; above the longest ?timeout= a request may ask for
  server.setTimeout(MAX_TIMEOUT_PARAM_MS + 10_000)
  // longer than node's 5 s: a client that reuses a socket just as the
  // server closes it sees ECONNRESET, and pooled clients leave sockets idle
  server.keepAliveTimeout = 30_000
  server.maxConnections = 1024
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log.debug('bad HTTP request', { err })
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
    if (socket.writable && err.code !== 'ECONNRESET') socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, init.host, () => { server.off('error', reject); resolve() })
  }).catch(err => { web.close(); unobserve(); throw err })
  const addr = server.address() as AddressInfo
  url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
  server.on('error', err => { log.error('HTTP server error', { err }) })
  return {
    server,
    url,
    async close (graceMs = 5_000) {
      const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
      // event streams never go idle: end them, or close would wait out the grace
      web.close()
      unobserve()
      server.closeIdleConnections()
      const timer = setTimeout(() => { server.closeAllConnections() }, graceMs)
      await closed
      clearTimeout(timer)
    }
  }
}
