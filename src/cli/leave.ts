/**
 * `meshkv leave`: the daemon at --api leaves the cluster: it pushes its
 * keys to their new owners, announces leaving, pushes again what changed,
 * and stops. Waits for it, printing progress (JSON lines with --json).
 */
import { apiUrl, CLIENT_OPTIONS, parse, positionals } from './args.js'
import { openStream } from './stream.js'
import { CliError, EXIT } from './io.js'
import { progress } from './progress.js'
import type { CliIo } from './io.js'

interface Progress {
  transfer?: { state?: string, leave?: { pushed: number, total: number, failed: number } }
  left?: boolean
  error?: { code?: string, message?: string }
}

/** the longest the CLI waits with no progress line from the daemon (it sends one each half second) */
const SILENCE_MS = 30_000

function describe (p: Progress): string {
  const l = p.transfer?.leave
  if (l === undefined) return `state ${p.transfer?.state ?? '?'}`
  return `pushed ${l.pushed} of ${l.total} keys${l.failed > 0 ? `, ${l.failed} failed` : ''}`
}

export async function leave (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, CLIENT_OPTIONS)
  positionals(parsed, [])
  const api = apiUrl(parsed.values.api, io)
  const asJson = parsed.values.json === true
  const { chunks } = await openStream(api, '/leave', { method: 'POST', silenceMs: SILENCE_MS })
  let last: Progress | undefined
  let buffered = ''
  // on a terminal, a bar instead of a progress line every half second
  const bar = asJson ? undefined : io.stderr.isTTY === true ? progress(io, { label: 'leave', unit: 'keys' }) : undefined
  const decoder = new TextDecoder()
  try {
    for await (const chunk of chunks) {
      buffered += decoder.decode(chunk, { stream: true })
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const text = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        let p: Progress
        try { p = JSON.parse(text) as Progress } catch { continue }
        last = p
        const l = p.transfer?.leave
        if (bar !== undefined && p.left !== true && p.error === undefined) {
          if (l !== undefined) bar.update(l.pushed, l.total)
          continue
        }
        bar?.stop()
        io.stdout.write(asJson ? text + '\n' : `${p.left === true ? 'left: ' : p.error !== undefined ? '' : 'leaving: '}${p.error !== undefined ? `error: ${p.error.message ?? ''}` : describe(p)}\n`)
      }
    }
  } catch {
    throw new CliError(EXIT.REFUSED, `the daemon at ${api} stopped answering while leaving${last === undefined ? '' : ` (${describe(last)})`}`)
  } finally {
    bar?.stop()
  }
  if (last?.error !== undefined) throw new CliError(EXIT.FAILED, `leave failed: ${last.error.message ?? ''} (${last.error.code ?? ''})`)
  if (last?.left !== true) throw new CliError(EXIT.FAILED, `the daemon at ${api} ended the leave without saying it left`)
  return EXIT.OK
}
