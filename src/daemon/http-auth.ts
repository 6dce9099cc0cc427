/**
 * The HTTP API's bearer token check. Compared in constant time (over
 * digests, so the length leaks nothing either). Applied in front of every
 * route whenever a token is configured; the config refuses an API off
 * loopback without one (config.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

function digest (s: string): Buffer {
  return createHash('sha256').update(s).digest()
}

export function bearerAuthorizer (token: string): (req: IncomingMessage) => boolean {
  const want = digest(token)
  return req => {
    const header = req.headers.authorization
    if (typeof header !== 'string') return false
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return m !== null && timingSafeEqual(digest(m[1]), want)
  }
}
