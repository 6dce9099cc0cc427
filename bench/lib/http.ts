/**
 * A small HTTP/1.1 client on node:http with a keep-alive agent: the same
 * client for meshkv's API and etcd's JSON gateway, so neither pays for
 * connection setup per request and neither gets a faster client.
 */
import { Agent, request } from 'node:http'

export interface HttpReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** Bodies larger than this are cut off with an error (no run reads values this large). */
const MAX_BODY = 16 * 1024 * 1024

export class HttpClient {
  readonly agent: Agent

  constructor (maxSockets: number, private readonly timeoutMs: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' })
  }

  async send (method: string, url: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const payload = typeof body === 'string' ? Buffer.from(body) : body
      const req = request(url, {
        method,
        agent: this.agent,
        headers: payload === undefined ? headers : { ...headers, 'content-length': String(payload.byteLength) },
        signal: AbortSignal.timeout(this.timeoutMs)
      }, res => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.byteLength
          if (size > MAX_BODY) { req.destroy(new Error(`reply over ${MAX_BODY} bytes`)); return }
          chunks.push(c)
        })
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
        res.on('error', reject)
      })
      req.on('error', err => { reject(err.name === 'AbortError' ? new Error(`${method} ${url}: no reply within ${this.timeoutMs} ms`) : err) })
      req.end(payload)
    })
  }

  close (): void {
    this.agent.destroy()
  }
}

/** JSON GET with a short timeout, for readiness polling (no agent: each poll stands alone). */
export async function getJson<T> (url: string, timeoutMs = 1_000): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) return undefined
    return await res.json() as T
  } catch {
    return undefined
  }
}
