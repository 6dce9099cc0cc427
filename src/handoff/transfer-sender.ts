/**
 * The holder's side of a range transfer: serves pulls on inbound
 * `/meshkv/<cluster>/transfer/1.0.0` streams. Each request names arcs and a
 * cursor; the reply carries the records after the cursor whose position
 * (hash64(key)) falls in the arcs, up to a byte bound, and the new cursor.
 * A scan stops at a record count and a time budget too, so a holder with
 * many records outside the arcs still answers within the puller's deadline
 * (with few or no entries and a cursor further on). A malformed request gets
 * an error reply and the stream is closed; nothing a puller sends can take
 * the holder down.
 */
import { MAX_FRAME_BYTES } from '../constants.js'
import { errorCode, ProtocolError } from '../errors.js'
import { hash64 } from '../ring/index.js'
import { encodeFrame } from '../protocol/frames.js'
import { ArcSet } from './arc-set.js'
import { FrameReader } from './frame-reader.js'
import { PullReply, PullRequest } from './pb/transfer.js'
import type { RecordStore } from '../store/record-store.js'
import type { MetricsRegistry } from '../metrics.js'
import type { Logger, Stream } from '@libp2p/interface'

/** most arcs one pull may name (a peer holds a few hundred with 128 tokens and n=3) */
export const MAX_PULL_ARCS = 16_384
/** records scanned for one reply at most */
const MAX_SCAN = 20_000
/** time spent scanning for one reply at most (ms) */
const MAX_SCAN_MS = 1_000
/** how long a puller may stay silent between requests (ms) */
const IDLE_MS = 60_000
/** records one reply carries at most (the puller refuses replies of more than 100,000) */
export const MAX_BATCH_ENTRIES = 10_000
/** the cap on a reply's record bytes, whatever the puller asks */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024

export interface TransferSenderInit {
  store: RecordStore
  log: Logger
  metrics: MetricsRegistry
  maxFrameBytes?: number
}

export class TransferSender {
  constructor (private readonly init: TransferSenderInit) {
    init.metrics.describe('meshkv_transfer_sent_total', 'range transfer: records and bytes sent to pulling peers, and pulls served or refused')
  }

  /** Serve one inbound stream until the puller closes it or it goes idle. */
  serve (stream: Stream): void {
    this.run(stream).catch(err => {
      this.init.log('transfer stream %s ended: %s', stream.id, (err as Error).message)
      if (stream.status === 'open') stream.abort(err as Error)
    })
  }

  private async run (stream: Stream): Promise<void> {
    const maxFrameBytes = this.init.maxFrameBytes ?? MAX_FRAME_BYTES
    const reader = new FrameReader(stream, 64 * 1024 + MAX_PULL_ARCS * 20)
    while (stream.status === 'open') {
      let frame
      try {
        frame = await reader.next(IDLE_MS)
      } catch {
        await stream.close().catch(() => {})
        return
      }
      let req: PullRequest
      try {
        req = PullRequest.decode(frame, { limits: { arcs: MAX_PULL_ARCS } })
      } catch (err) {
        this.refuse(stream, new ProtocolError(`malformed transfer request: ${(err as Error).message}`))
        return
      }
      if (req.arcs.length === 0) {
        this.refuse(stream, new ProtocolError('transfer request names no arcs'))
        return
      }
      const reply = await this.batch(req, Math.min(req.maxBytes > 0 ? req.maxBytes : MAX_BATCH_BYTES, MAX_BATCH_BYTES, maxFrameBytes - 64 * 1024))
      if (stream.writableNeedsDrain) await stream.onDrain({ signal: AbortSignal.timeout(IDLE_MS) })
      stream.send(encodeFrame(PullReply.encode(reply)))
    }
  }

  private refuse (stream: Stream, err: ProtocolError): void {
    this.init.metrics.inc('meshkv_transfer_sent_total', { what: 'refused' })
    this.init.log.error('transfer request refused: %s', err.message)
    stream.send(encodeFrame(PullReply.encode({ entries: [], done: false, errorCode: errorCode(err), error: err.message })))
    stream.close().catch(e => { stream.abort(e) })
  }

  private async batch (req: PullRequest, maxBytes: number): Promise<PullReply> {
    const arcs = new ArcSet(req.arcs.map(a => ({ start: BigInt.asUintN(64, a.start), end: BigInt.asUintN(64, a.end) })))
    const entries: Array<{ key: string, record: Uint8Array }> = []
    let bytes = 0
    let scanned = 0
    let next: string | undefined
    const until = performance.now() + MAX_SCAN_MS
    for await (const [key, record] of this.init.store.encodedEntries(req.after)) {
      if (arcs.has(hash64(key))) {
        // one record over the bound still goes alone: the batch is never empty for want of room
        // a key and its record cost their bytes plus a few of framing
        const cost = record.byteLength + key.length + 8
        if (entries.length > 0 && (bytes + cost > maxBytes || entries.length >= MAX_BATCH_ENTRIES)) {
          return this.reply(entries, bytes, next, false)
        }
        entries.push({ key, record })
        bytes += cost
      }
      next = key
      if (++scanned >= MAX_SCAN || performance.now() > until) return this.reply(entries, bytes, next, false)
    }
    return this.reply(entries, bytes, next ?? req.after, true)
  }

  private reply (entries: Array<{ key: string, record: Uint8Array }>, bytes: number, next: string | undefined, done: boolean): PullReply {
    const m = this.init.metrics
    m.inc('meshkv_transfer_sent_total', { what: 'pulls' })
    m.inc('meshkv_transfer_sent_total', { what: 'records' }, entries.length)
    m.inc('meshkv_transfer_sent_total', { what: 'bytes' }, bytes)
    return { entries: entries as PullReply['entries'], next, done, errorCode: '', error: '' }
  }
}
