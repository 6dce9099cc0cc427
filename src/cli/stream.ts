/**
 * A long streamed reply of the daemon (an export, a leave's progress): the
 * request with the API token, error replies turned into CliErrors as
 * call() does, and the body's chunks under a deadline on the silence
 * between two of them. A stream may rightly last long; a daemon that stops
 * sending may not hold the CLI forever.
 */
import { authHeaders } from './api-token.js'
import { failure, unreachable } from './client.js'

export interface StreamReply {
  headers: Headers
  /** the body as it comes; fails once the daemon was silent for `silenceMs` */
  chunks: AsyncGenerator<Uint8Array>
}

export async function openStream (api: string, path: string, options: { method?: string, silenceMs: number }): Promise<StreamReply> {
  const silence = new AbortController()
  let timer = setTimeout(() => { silence.abort() }, options.silenceMs)
  let res: Response
  try {
    res = await fetch(api + path, { method: options.method ?? 'GET', headers: authHeaders(), signal: silence.signal })
  } catch (err) {
    clearTimeout(timer)
    throw unreachable(api, err)
  }
  const body = res.body
  if (res.status !== 200 || body === null) {
    clearTimeout(timer)
    throw failure(api, { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) })
  }
  async function * chunks (): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body!) {
        clearTimeout(timer)
        timer = setTimeout(() => { silence.abort() }, options.silenceMs)
        yield chunk
      }
    } finally {
      clearTimeout(timer)
    }
  }
  return { headers: res.headers, chunks: chunks() }
}
