/**
 * The HTTP floor's server process: node:http on 127.0.0.1 answering a GET
 * with a value of the bench's size and a PUT (its body read) with 204, both
 * with headers the size of meshkv's (a context, a request id), and nothing
 * else: what one HTTP request and reply cost on this machine before any
 * meshkv code runs. Prints its port as one JSON line; exits when its stdin
 * closes or on SIGTERM.
 */
import { createServer } from 'node:http'

const value = Buffer.alloc(Number(process.argv[2] ?? 100), 0x61)
// as long as a context and a request id meshkv sends back
const context = 'x'.repeat(120)
const requestId = '0'.repeat(32)

const server = createServer((req, res) => {
  if (req.method === 'PUT') {
    let size = 0
    req.on('data', (chunk: Buffer) => { size += chunk.byteLength })
    req.on('end', () => {
      res.writeHead(204, { 'x-meshkv-context': context, 'x-request-id': requestId, 'x-body-bytes': String(size) })
      res.end()
    })
  } else {
    res.writeHead(200, { 'x-meshkv-context': context, 'x-request-id': requestId, 'content-type': 'application/octet-stream', 'content-length': value.byteLength })
    res.end(value)
  }
})
server.keepAliveTimeout = 30_000
server.listen(0, '127.0.0.1', () => {
  const addr = server.address()
  process.stdout.write(JSON.stringify({ port: typeof addr === 'object' && addr !== null ? addr.port : 0 }) + '\n')
})
const stop = (): void => { server.close(); server.closeAllConnections(); process.exit(0) }
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
