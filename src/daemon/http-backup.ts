/**
 * GET /export and POST /import: a whole cluster's keys as JSON lines
 * (src/backup/record-json.ts), out and back in.
 *
 * Export streams as it scans, writing only when the socket has room (a slow
 * reader slows the scans of every replica, it never fills memory); a scan
 * that fails mid-way destroys the reply, so a client never takes a cut
 * export for a whole one. Import reads the body line by line (each at most
 * MAX_IMPORT_LINE_CHARS), merges at most IMPORT_CONCURRENCY keys at once and
 * reads no further meanwhile; it stops at the first bad line or failed key,
 * after the keys before it are merged, and says which line.
 */
import { errorCode, InvalidArgumentError, OverloadedError } from '../errors.js'
import { lines, MAX_EXPORT_LINE_CHARS } from '../backup/line-splitter.js'
import { recordFromJson, recordToJson } from '../backup/record-json.js'
import { drainOrClose } from '../backup/drain.js'
import { CATALOG_KEY } from '../buckets/registry.js'
import { sendError, sendJson, statusOf } from './http-io.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'

export const MAX_IMPORT_LINE_CHARS = MAX_EXPORT_LINE_CHARS
/** keys merged at once during an import */
export const IMPORT_CONCURRENCY = 16
/** exports and imports served at once by one daemon; more are answered 429 */
export const MAX_BACKUP_STREAMS = 2

/** exports and imports running, per peer */
const running = new WeakMap<MeshNode, number>()

/** Count a long backup stream against MAX_BACKUP_STREAMS for as long as `fn` runs. */
async function slot (node: MeshNode, fn: () => Promise<void>): Promise<void> {
  node.metrics.describe('meshkv_backup_keys_total', 'keys written by GET /export and merged by POST /import through this peer')
  const now = running.get(node) ?? 0
  if (now >= MAX_BACKUP_STREAMS) throw new OverloadedError(`${now} exports or imports already running on this peer (at most ${MAX_BACKUP_STREAMS})`, 5)
  running.set(node, now + 1)
  try { await fn() } finally { running.set(node, (running.get(node) ?? 1) - 1) }
}

export async function exportStreaming (node: MeshNode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await slot(node, async () => {
    const stop = new AbortController()
    const onClose = (): void => { stop.abort() }
    res.on('close', onClose)
    const { peers, skipped, records } = node.exportScan({ signal: stop.signal })
    try {
      // the first record before the headers: a holder that cannot be reached is a clean error reply
      let first = await records.next()
      res.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
        'x-meshkv-export-peers': String(peers.length),
        'x-meshkv-export-skipped': skipped.join(','),
        // for a progress bar: this peer's keys scaled by its share of the ring (no peer is asked)
        'x-meshkv-export-estimate': String(estimateKeys(node))
      })
      let keys = 0
      while (first.done !== true) {
        const [key, record] = first.value
        if (res.destroyed) return
        if (!res.write(JSON.stringify(recordToJson(key, record)) + '\n')) {
          await drainOrClose(res)
        }
        keys++
        first = await records.next()
      }
      node.metrics.inc('meshkv_backup_keys_total', { op: 'export' }, keys)
      res.end()
    } catch (err) {
      if (!res.headersSent) throw err
      // a cut export must look cut: no final chunk, the connection goes
      res.destroy(err as Error)
    } finally {
      res.off('close', onClose)
      // a client gone mid-way, or a failure: the scans' streams to other peers are closed now
      await records.return(undefined).catch(() => {})
    }
  })
}

function estimateKeys (node: MeshNode): number {
  const status = node.status()
  const held = status.antiEntropy?.indexedKeys ?? 0
  const share = status.members.find(m => m.id === status.peerId)?.share
  // this peer holds about n times its share of the ring's keys
  const ofRing = share === undefined || share <= 0 ? 1 : Math.min(1, share * status.quorums.n)
  return Math.round(held / ofRing)
}

interface ImportCounts { lines: number, imported: number }

export async function importStreaming (node: MeshNode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await slot(node, async () => {
    const maxValueBytes = node.options.maxValueBytes ?? 1024 * 1024
    const counts: ImportCounts = { lines: 0, imported: 0 }
    const inflight = new Set<Promise<void>>()
    let failed: { line: number, err: unknown } | undefined
    const fail = (line: number, err: unknown): void => {
      if (failed === undefined || line < failed.line) failed = { line, err }
    }
    try {
      for await (const { number, text } of lines(req, MAX_IMPORT_LINE_CHARS)) {
        if (failed !== undefined) break
        counts.lines = number
        if (text.trim() === '') continue
        let parsed
        try {
          parsed = recordFromJson(JSON.parse(text), { maxValueBytes })
        } catch (err) {
          fail(number, err instanceof SyntaxError ? new InvalidArgumentError(`not JSON: ${err.message}`) : err)
          break
        }
        const p = node.importRecord(parsed.key, parsed.record).then(() => { counts.imported++ }, err => { fail(number, err) })
        const tracked = p.finally(() => { inflight.delete(tracked) })
        inflight.add(tracked)
        // the bucket catalog is merged before any line after it starts: a named bucket's keys
        // (after it in storage order) then go to that bucket's n replicas, not the cluster's
        if (parsed.key === CATALOG_KEY) await Promise.all(inflight)
        else if (inflight.size >= IMPORT_CONCURRENCY) await Promise.race(inflight)
      }
    } catch (err) {
      fail(counts.lines + 1, err)
    }
    await Promise.all(inflight)
    node.metrics.inc('meshkv_backup_keys_total', { op: 'import' }, counts.imported)
    if (failed === undefined) return sendJson(res, 200, counts)
    const { line, err } = failed
    const code = errorCode(err)
    const status = statusOf(err)
    // the rest of the body is not read: the connection closes after this reply
    sendError(res, status, code, `line ${line}: ${(err as Error)?.message ?? String(err)}`, { line, imported: counts.imported }, { connection: 'close' })
  })
}
