/**
 * Serves the kv protocol on inbound streams. A stream is long-lived and
 * pipelined: requests carry ids and are answered as they finish, out of
 * order. A malformed or oversized frame aborts that stream only; a request
 * that fails gets a typed ERROR reply and the stream goes on. A reply that
 * would be over the frame bound is not sent (the client would abort the
 * stream): that request gets an ERR_RECORD_TOO_LARGE reply instead.
 */
import { MAX_CONCURRENT_HANDLING, MAX_FRAME_BYTES } from '../constants.js'
import { errorCode, ProtocolError, QuorumNotMetError, RecordTooLargeError } from '../errors.js'
import { quorumDetailToWire } from './remote-error.js'
import { FrameDecoder } from './frames.js'
import { FrameWriter } from './frame-writer.js'
import { decodeRequest, encodeResponse } from './kv-codec.js'
import { Status } from './pb/kv.js'
import type { Request, Response } from './pb/kv.js'
import { RequestType, requestTypeName } from './request-type.js'
import { handleGet } from './handlers/get.js'
import { handlePut } from './handlers/put.js'
import { handleSync } from './handlers/sync.js'
import type { KvService } from './service.js'
import type { KvMetrics } from './metrics.js'
import type { Logger, Stream, StreamMessageEvent } from '@libp2p/interface'
import { withDeadline } from './deadline.js'
import { traceFromWire } from '../observability/request-trace.js'
import { debugLog, LOGGED_KEY_CHARS } from '../observability/request-log.js'
import { NO_TRACING } from '../observability/tracing.js'
import type { RequestTrace } from '../observability/request-trace.js'
import type { RequestLog } from '../observability/request-log.js'
import type { Tracing } from '../observability/tracing.js'

type Handler = (req: Request, service: KvService, trace?: RequestTrace) => Promise<Partial<Response>>

const HANDLERS: Partial<Record<number, Handler>> = {
  [RequestType.GET]: handleGet,
  [RequestType.SYNC]: handleSync,
  [RequestType.PUT]: handlePut
}

/** Context entries a request may carry (a version vector is pruned far below this: src/version/prune.ts). */
const MAX_REQUEST_CONTEXT = 4096

/** The longest a handler may run whatever the request asks (ms). */
const MAX_HANDLER_MS = 60_000

export interface KvServerInit {
  service: KvService
  log: Logger
  metrics: KvMetrics
  maxFrameBytes?: number
  maxConcurrent?: number
  /** structured lines about each request served, with the request id as `req` (debug) */
  requestLog?: RequestLog
  /** a span per request served, child of the sender's (off when absent) */
  tracing?: Tracing
  /** requests being handled on all streams (a queue depth gauge) */
  inflight?: { value: number }
}

export function serveStream (stream: Stream, init: KvServerInit): void {
  const { service, log, metrics } = init
  const maxConcurrent = init.maxConcurrent ?? MAX_CONCURRENT_HANDLING
  const maxFrameBytes = init.maxFrameBytes ?? MAX_FRAME_BYTES
  const decoder = new FrameDecoder(maxFrameBytes)
  // replies finished in one turn (a LevelDB batch releases many) go out as one write
  const writer = new FrameWriter(stream)
  const tracing = init.tracing ?? NO_TRACING
  const requestLog = debugLog(init.requestLog)
  const total = init.inflight
  let inflight = 0
  let remoteDone = false

  /**
   * Frames read but not started: a delivery can hold thousands of requests,
   * and a peer that stops reading its replies must not make this side
   * queue them without bound. The stream is paused while any wait.
   */
  let waiting: Uint8Array[] = []
  let next = 0

  const closeIfDone = (): void => {
    if (remoteDone && inflight === 0 && next === waiting.length && stream.readBufferLength === 0 && stream.status === 'open') {
      writer.flush()
      stream.close().catch(err => { stream.abort(err) })
    }
  }

  /** another request may start: under the concurrency bound, and the replies already queued went out */
  const canStart = (): boolean => inflight < maxConcurrent && !stream.writableNeedsDrain

  /** start what waits while it may, then read on only if nothing waits */
  const pump = (): void => {
    while (next < waiting.length && canStart()) {
      const frame = waiting[next++]
      if (!start(frame)) return
    }
    if (next === waiting.length) { waiting = []; next = 0 }
    if (next < waiting.length || !canStart()) {
      if (stream.readStatus === 'readable') stream.pause()
    } else if (stream.readStatus === 'paused') stream.resume()
  }

  /** false when the reply was over the frame bound and an error went instead */
  const reply = (res: Partial<Response>, id: number): boolean => {
    if (stream.status !== 'open' || stream.writeStatus !== 'writable') return true
    let message = encodeResponse(res, id)
    const fits = message.byteLength <= maxFrameBytes
    if (!fits) {
      const err = RecordTooLargeError.frame('reply', message.byteLength, maxFrameBytes)
      log('request %d: %s', id, err.message)
      message = encodeResponse({ id, status: Status.ERROR, code: err.code, message: err.message })
    }
    writer.write(message)
    return fits
  }

  const run = async (req: Request): Promise<void> => {
    const handler = HANDLERS[req.type]
    const started = performance.now()
    // what the sender says about the request, checked (a bad id or traceparent is dropped)
    const wire = req.requestId === '' && req.traceparent === '' ? undefined : traceFromWire(req.requestId, req.traceparent)
    const span = tracing.enabled ? tracing.start(`kv ${requestTypeName(req.type)}`, wire, 'server', { 'meshkv.key': req.key.slice(0, LOGGED_KEY_CHARS) }) : undefined
    let outcome = 'ok'
    try {
      if (handler === undefined) throw new ProtocolError(`unknown request type ${req.type}`)
      const budget = Math.min(req.timeout > 0 ? req.timeout : MAX_HANDLER_MS, MAX_HANDLER_MS)
      const res = await withDeadline(handler(req, service, span?.trace ?? wire), budget)
      const sent = reply(res, req.id)
      if (!sent) outcome = 'ERR_RECORD_TOO_LARGE'
      metrics.handled(req.type, sent ? 'ok' : 'error', performance.now() - started)
      span?.end()
    } catch (err) {
      const code = errorCode(err)
      outcome = code
      log('request %d (%s) failed: %s', req.id, requestTypeName(req.type), (err as Error).message)
      const quorum = err instanceof QuorumNotMetError ? quorumDetailToWire(err.detail) : undefined
      reply({ status: Status.ERROR, code, message: (err as Error).message, quorum }, req.id)
      metrics.handled(req.type, 'error', performance.now() - started)
      span?.end(err)
    }
    requestLog?.debug('kv request served', {
      req: wire?.requestId,
      type: requestTypeName(req.type),
      key: req.key.slice(0, LOGGED_KEY_CHARS),
      outcome,
      ms: Math.round((performance.now() - started) * 100) / 100
    })
  }

  /** false when the frame was bad and the stream is aborted */
  const start = (frame: Uint8Array): boolean => {
    let req: Request
    try {
      req = decodeRequest(frame, MAX_REQUEST_CONTEXT)
    } catch (err) {
      metrics.badFrame()
      log.error('undecodable request, aborting stream: %s', (err as Error).message)
      waiting = []
      next = 0
      stream.abort(new ProtocolError(`undecodable request: ${(err as Error).message}`))
      return false
    }
    inflight++
    if (total !== undefined) total.value++
    void run(req).finally(() => {
      inflight--
      if (total !== undefined) total.value--
      pump()
      closeIfDone()
    })
    return true
  }

  stream.addEventListener('message', (evt: StreamMessageEvent) => {
    let frames
    try {
      frames = [...decoder.decode(evt.data)]
    } catch (err) {
      metrics.badFrame()
      log.error('bad frame from %s, aborting stream: %s', stream.id, (err as Error).message)
      stream.abort(new ProtocolError(`bad frame: ${(err as Error).message}`))
      return
    }
    if (frames.length === 0) return
    if (next === waiting.length) {
      waiting = frames
      next = 0
    } else {
      // a loop, not push(...frames): a delivery of many tiny frames would pass the argument limit
      for (const frame of frames) waiting.push(frame)
    }
    pump()
  })
  stream.addEventListener('drain', pump)
  stream.addEventListener('remoteCloseWrite', () => { remoteDone = true; closeIfDone() })
}
