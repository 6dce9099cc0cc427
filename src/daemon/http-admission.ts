/**
 * `/admission/...` routes: GET /admission (open or closed, the cluster key,
 * this peer's certificate expiry, revocations known), GET and POST
 * /admission/revocations (POST takes one signed revocation, base64 text,
 * from `meshkv cluster revoke`: this peer keeps it and spreads it).
 */
import { encodeSignedText, decodeSignedText } from '../admission/cluster-key.js'
import { InvalidArgumentError } from '../errors.js'
import { readBody, sendError, sendJson } from './http-io.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'

const MAX_REVOCATION_BODY = 8 * 1024

export async function admissionRoute (node: MeshNode, path: string, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (path === '/admission' && method === 'GET') return sendJson(res, 200, node.admissionStatus() ?? { mode: 'open' })
  if (path === '/admission/revocations' && method === 'GET') {
    return sendJson(res, 200, { revocations: node.revocations().map(r => encodeSignedText(r).trim()) })
  }
  if (path === '/admission/revocations' && method === 'POST') {
    const body = new TextDecoder().decode(await readBody(req, MAX_REVOCATION_BODY))
    if (body.trim() === '') throw new InvalidArgumentError('the body must be a signed revocation (base64, from `meshkv cluster revoke`)')
    const { peer, added } = await node.revoke(decodeSignedText(body, 'the body'))
    return sendJson(res, 200, { peer, added })
  }
  const allowed = path === '/admission' ? 'GET' : path === '/admission/revocations' ? 'GET, POST' : undefined
  if (allowed !== undefined) return sendError(res, 405, 'ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed}`, {}, { allow: allowed })
  sendError(res, 404, 'ERR_NO_ROUTE', `no such route: ${method} ${path.slice(0, 200)} (try GET /admission, GET or POST /admission/revocations)`)
}
