/**
 * `meshkv import [FILE]` (stdin without one): load an export into the
 * cluster behind --api, merged with what is there (POST /import). The file
 * goes in batches of whole lines (about BATCH_BYTES each), one request each,
 * so a long import is many short requests; a peer answering 429 is waited
 * for (its Retry-After) and asked again. A bad line stops the import with
 * its line number in the file; the lines before it stay imported.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { lines, MAX_EXPORT_LINE_CHARS } from '../backup/line-splitter.js'
import { apiUrl, CLIENT_OPTIONS, parse, positionals } from './args.js'
import { call, failure, json } from './client.js'
import { CliError, EXIT, UsageError } from './io.js'
import { progress } from './progress.js'
import type { ApiErrorBody } from './client.js'
import type { CliIo } from './io.js'

/** characters of lines sent in one request */
const BATCH_CHARS = 4 * 1024 * 1024
/** times one batch is offered again to a peer that answers 429 */
const MAX_OVERLOADED_RETRIES = 20
/** one batch's deadline (ms): its keys are merged 16 at once, each within the request deadline */
const BATCH_TIMEOUT_MS = 10 * 60_000

interface BatchReply { lines: number, imported: number }

export async function importVerb (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, CLIENT_OPTIONS)
  const [file] = positionals(parsed, [], ['FILE'])
  const api = apiUrl(parsed.values.api, io)
  let source: AsyncIterable<Uint8Array | string>
  let total: number | undefined
  if (file !== undefined && file !== '-') {
    try {
      total = (await stat(file)).size
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    source = createReadStream(file)
  } else {
    if (io.stdin.isTTY === true) io.stderr.write('reading the export from stdin; end it with Ctrl-D\n')
    source = io.stdin
  }
  const bar = progress(io, { label: 'import', unit: 'bytes', bytes: true, total })
  let imported = 0
  let read = 0
  let batch: string[] = []
  let batchChars = 0
  let firstLine = 1
  const send = async (): Promise<void> => {
    if (batch.length === 0) return
    const body = new TextEncoder().encode(batch.join('\n') + '\n')
    for (let attempt = 0; ; attempt++) {
      const reply = await call(api, '/import', { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' }, timeoutMs: BATCH_TIMEOUT_MS })
      if (reply.status === 200) {
        imported += json<BatchReply>(reply)?.imported ?? 0
        break
      }
      if (reply.status === 429 && attempt < MAX_OVERLOADED_RETRIES) {
        const wait = Math.min(30, Math.max(1, Number(reply.headers.get('retry-after') ?? 1) || 1))
        await new Promise(resolve => setTimeout(resolve, wait * 1000))
        continue
      }
      const refusal = json<ApiErrorBody & { error?: { line?: number, imported?: number } }>(reply)
      const line = refusal?.error?.line
      if (line !== undefined) {
        imported += refusal?.error?.imported ?? 0
        const err = failure(api, reply)
        const at = firstLine + line - 1
        throw new CliError(err.exitCode, `${file ?? 'stdin'}, line ${at}: ${err.message.replace(/^line \d+: /, '')} (${imported} keys imported before it)`)
      }
      throw failure(api, reply)
    }
    firstLine += batch.length
    batch = []
    batchChars = 0
  }
  try {
    for await (const { text } of lines(source, MAX_EXPORT_LINE_CHARS)) {
      batch.push(text)
      batchChars += text.length + 1
      read += Buffer.byteLength(text) + 1
      if (batchChars >= BATCH_CHARS) {
        await send()
        bar.update(read)
      }
    }
    await send()
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(EXIT.USAGE, `${file ?? 'stdin'}, line ${firstLine + batch.length}: ${(err as Error).message}`)
  } finally {
    bar.stop()
  }
  io.stdout.write(parsed.values.json === true
    ? JSON.stringify({ imported, lines: firstLine - 1 }) + '\n'
    : `imported ${imported} keys from ${file ?? 'stdin'}\n`)
  return EXIT.OK
}
