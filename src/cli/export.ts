/**
 * `meshkv export [--out FILE]`: every key of the cluster with its siblings
 * and causal history, as JSON lines, from the daemon at --api (GET /export).
 * To a file, it writes FILE.partial and renames it when the export is
 * whole: a cut export never sits under the name of a good one.
 */
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { apiUrl, CLIENT_OPTIONS, parse, positionals } from './args.js'
import { openStream } from './stream.js'
import { CliError, EXIT } from './io.js'
import { progress } from './progress.js'
import { drainOrClose } from '../backup/drain.js'
import type { CliIo } from './io.js'

/** the longest the CLI waits for the next bytes of an export */
const SILENCE_MS = 60_000

export async function exportVerb (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { ...CLIENT_OPTIONS, out: { type: 'string' } })
  positionals(parsed, [])
  const api = apiUrl(parsed.values.api, io)
  const out = typeof parsed.values.out === 'string' && parsed.values.out !== '-' ? parsed.values.out : undefined
  const { headers, chunks } = await openStream(api, '/export', { silenceMs: SILENCE_MS })
  const skipped = (headers.get('x-meshkv-export-skipped') ?? '').split(',').filter(s => s !== '')
  if (skipped.length > 0) io.stderr.write(`meshkv export: warning: ${skipped.length} member(s) not up, their copies not read: ${skipped.map(p => p.slice(-8)).join(', ')}\n`)
  const file = out === undefined ? undefined : createWriteStream(`${out}.partial`)
  // kept, not thrown from an event: a full disk fails the export like a cut stream
  let fileError: Error | undefined
  file?.on('error', err => { fileError ??= err })
  const write = async (chunk: Uint8Array): Promise<void> => {
    if (file !== undefined) {
      if (fileError !== undefined) throw fileError
      if (!file.write(chunk)) await drainOrClose(file)
    } else {
      const stdout = io.stdout as { write: (c: Uint8Array) => unknown, once?: (e: string, f: () => void) => void }
      if (stdout.write(chunk) === false && stdout.once !== undefined) await new Promise<void>(resolve => { stdout.once!('drain', resolve) })
    }
  }
  const estimate = Number(headers.get('x-meshkv-export-estimate') ?? 0)
  const bar = progress(io, { label: 'export', unit: 'keys', total: estimate > 0 ? estimate : undefined })
  let keys = 0
  let bytes = 0
  try {
    for await (const chunk of chunks) {
      for (let i = 0; i < chunk.byteLength; i++) if (chunk[i] === 10) keys++
      bytes += chunk.byteLength
      await write(chunk)
      // an estimate passed is raised: the bar never runs over
      bar.update(keys, estimate > 0 && keys > estimate ? Math.ceil(keys * 1.05) : undefined)
    }
  } catch (err) {
    bar.stop()
    if (file !== undefined) {
      file.destroy()
      await rm(`${out!}.partial`, { force: true })
    }
    throw new CliError(EXIT.FAILED, `the export from ${api} was cut after ${keys} keys (${(err as Error).message}); nothing was written${out === undefined ? ' past that point' : ` to ${out}`}`)
  }
  bar.stop()
  if (file !== undefined) {
    file.end()
    if (!file.closed) await once(file, 'close')
    if (fileError !== undefined) {
      await rm(`${out!}.partial`, { force: true })
      throw new CliError(EXIT.FAILED, `cannot write ${out!}: ${fileError.message}`)
    }
    await rename(`${out!}.partial`, out!)
    const peers = Number(headers.get('x-meshkv-export-peers') ?? 0)
    io.stdout.write(parsed.values.json === true
      ? JSON.stringify({ keys, bytes, peers, skipped, file: out }) + '\n'
      : `exported ${keys} keys (${bytes} bytes) from ${peers} peers to ${out!}\n`)
  }
  return EXIT.OK
}
