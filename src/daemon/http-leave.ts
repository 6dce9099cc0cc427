/**
 * POST /leave: the daemon leaves the cluster (pushes its keys to their new
 * owners, announces leaving, pushes again what changed) and then stops.
 * The reply streams progress as JSON lines, one about every half second
 * (`{"transfer": ...}`), and ends with `{"left": true, ...}` or
 * `{"error": {...}}`; a second POST while leaving follows the same leave.
 */
import { errorCode } from '../errors.js'
import type { ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'

const PROGRESS_MS = 500

export async function leaveStreaming (node: MeshNode, leave: () => Promise<void>, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' })
  const line = (body: unknown): void => { if (!res.writableEnded) res.write(JSON.stringify(body) + '\n') }
  line({ transfer: node.status().transfer })
  const timer = setInterval(() => { line({ transfer: safeTransfer(node) }) }, PROGRESS_MS)
  try {
    await leave()
    line({ left: true, transfer: safeTransfer(node) })
  } catch (err) {
    line({ error: { code: errorCode(err), message: (err as Error).message } })
  } finally {
    clearInterval(timer)
    res.end()
  }
}

function safeTransfer (node: MeshNode): unknown {
  try {
    return node.status().transfer
  } catch {
    return undefined
  }
}
