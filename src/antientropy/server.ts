/**
 * Serves anti-entropy on inbound streams. The initiator asks one thing at a
 * time, so requests are answered in order, one at a time; a peer that sends
 * more without waiting has them queued up to a bound, then loses the stream.
 * A frame that does not decode, or a request that fails, gets a typed ERROR
 * reply and the stream goes on; only a broken length prefix (after which no
 * frame boundary can be trusted) or an oversized frame aborts the stream.
 */
import { MAX_FRAME_BYTES } from '../constants.js'
import { errorCode, ProtocolError } from '../errors.js'
import { encodeFrame, frameDecoder } from '../protocol/frames.js'
import { handleAeRequest } from './handler.js'
import { Response, Status } from './pb/ae.js'
import { aeRequestTypeName, decodeRequest, MAX_HANDLER_MS } from './wire.js'
import type { AeReplica } from './handler.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Logger, Stream, StreamMessageEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import { withDeadline } from '../protocol/deadline.js'

/** requests a stream may have waiting behind the one being answered */
const MAX_QUEUED = 4

export interface AeServerInit {
  replica: AeReplica
  log: Logger
  metrics: MetricsRegistry
  maxFrameBytes?: number
}

export function serveAeStream (stream: Stream, init: AeServerInit): void {
  const { replica, log, metrics } = init
  const maxFrameBytes = init.maxFrameBytes ?? MAX_FRAME_BYTES
  const decoder = frameDecoder(maxFrameBytes)
  const queue: Uint8ArrayList[] = []
  let busy = false

  const reply = (res: Partial<Response>): void => {
    if (stream.status !== 'open' || stream.writeStatus !== 'writable') return
    let message = Response.encode(res)
    if (message.byteLength > maxFrameBytes) {
      message = Response.encode({ id: res.id, status: Status.ERROR, code: 'ERR_RECORD_TOO_LARGE', message: `reply of ${message.byteLength} bytes over the frame limit` })
    }
    metrics.inc('meshkv_ae_served_bytes_total', {}, message.byteLength)
    stream.send(encodeFrame(message))
  }

  const answer = async (frame: Uint8ArrayList): Promise<void> => {
    let id = 0
    let type = 'undecodable'
    try {
      let req
      try {
        req = decodeRequest(frame)
      } catch (err) {
        throw new ProtocolError(`undecodable anti-entropy request: ${(err as Error).message}`)
      }
      id = req.id
      type = aeRequestTypeName(req.type)
      const budget = Math.min(req.timeout > 0 ? req.timeout : MAX_HANDLER_MS, MAX_HANDLER_MS)
      const res = await withDeadline(handleAeRequest(req, replica), budget)
      reply({ ...res, id })
      metrics.inc('meshkv_ae_served_total', { type, result: 'ok' })
    } catch (err) {
      log('anti-entropy request %d (%s) failed: %s', id, type, (err as Error).message)
      reply({ id, status: Status.ERROR, code: errorCode(err), message: (err as Error).message })
      metrics.inc('meshkv_ae_served_total', { type, result: 'error' })
    }
  }

  const drain = async (): Promise<void> => {
    if (busy) return
    busy = true
    try {
      for (let frame = queue.shift(); frame !== undefined; frame = queue.shift()) await answer(frame)
    } finally {
      busy = false
    }
  }

  stream.addEventListener('message', (evt: StreamMessageEvent) => {
    try {
      for (const frame of decoder.decode(evt.data)) {
        if (queue.length >= MAX_QUEUED) throw new ProtocolError(`more than ${MAX_QUEUED} requests waiting`)
        queue.push(frame)
      }
    } catch (err) {
      metrics.inc('meshkv_ae_bad_frames_total')
      log.error('bad anti-entropy frame, aborting stream: %s', (err as Error).message)
      stream.abort(new ProtocolError(`bad frame: ${(err as Error).message}`))
      return
    }
    void drain()
  })
  stream.addEventListener('remoteCloseWrite', () => {
    const close = (): void => {
      if (busy || queue.length > 0) { setTimeout(close, 10); return }
      if (stream.status === 'open') stream.close().catch(err => { stream.abort(err) })
    }
    close()
  })
}
