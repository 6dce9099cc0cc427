/**
 * CLI arguments: usage errors exit 2 with a usage message, help exits 0, a
 * dead API URL exits 3, and the daemon's error replies map to exit codes.
 * In-process through main() with captured streams, plus the real bin.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { main } from '../../src/cli/main.js'
import { EXIT } from '../../src/cli/io.js'
import { cli, freePort } from '../fixtures/daemon.js'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CliIo } from '../../src/cli/io.js'

interface Run { code: number, stdout: string, stderr: string }

async function run (argv: string[], env: Record<string, string> = {}, stdin: string[] = []): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : Buffer.from(c).toString() } },
    stderr: { write: (c: string) => { stderr += c } },
    stdin: (async function * () { for (const s of stdin) yield Buffer.from(s) })(),
    env
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

describe('usage errors exit 2 with a usage message on stderr', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^meshkv: a Dynamo-style/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['gte', 'k'], /did you mean "get"/],
    [['get'], /meshkv get: missing KEY/],
    [['get', ''], /KEY must not be empty/],
    [['get', 'a', 'b'], /too many arguments: "b"/],
    [['put'], /missing KEY/],
    [['put', 'k', 'v', 'extra'], /too many arguments/],
    [['del'], /missing KEY/],
    [['status', 'extra'], /too many arguments/],
    [['get', 'k', '--r', 'two'], /--r must be a whole number of at least 1, got "two"/],
    [['get', 'k', '--r', '0'], /--r must be a whole number/],
    [['get', 'k', '--r', '1.5'], /--r must be a whole number/],
    [['put', 'k', 'v', '--w', '-1'], /--w needs a value/],
    [['put', 'k', 'v', '--w'], /--w needs a value/],
    [['get', 'k', '--w', '1'], /unknown option --w/],
    [['get', 'k', '--rr', '1'], /unknown option --rr \(did you mean "--r"\?\)/],
    [['get', 'k', '--json=yes'], /--json does not take a value/],
    [['put', 'k', 'v', '--w', '1', '--w', '2'], /--w given more than once/],
    [['get', 'k', '--api', 'ftp://host'], /--api must be an http:\/\/ or https:\/\/ URL/],
    [['get', 'k', '--api', 'http://[nope'], /--api must be a URL/],
    [['daemon', 'extra'], /too many arguments/],
    [['daemon', '--capacity', 'lots'], /flag --capacity: capacity: must be a positive number, got "lots"/],
    [['daemon', '--listen', 'tcp:7000'], /flag --listen: listen\[0\]: must be a multiaddr/],
    [['daemon', '--config', '/nonexistent/meshkv.json'], /config \/nonexistent\/meshkv\.json: no such file/],
    [['daemon', '--port', '7000'], /unknown option --port/]
  ]
  for (const [argv, message] of cases) {
    test(`meshkv ${argv.join(' ')}`, async () => {
      const r = await run(argv)
      assert.equal(r.code, EXIT.USAGE, r.stderr)
      assert.match(r.stderr, message)
      assert.equal(r.stdout, '')
    })
  }

  test('a bad MESHKV_API is named', async () => {
    const r = await run(['status'], { MESHKV_API: 'gopher://x' })
    assert.equal(r.code, EXIT.USAGE)
    assert.match(r.stderr, /MESHKV_API must be an http/)
  })

  test('the verb usage follows the message', async () => {
    const r = await run(['get'])
    assert.match(r.stderr, /usage: meshkv get KEY \[--r N\] \[--api URL\] \[--json\]/)
  })
})

test('help exits 0 with usage on stdout', async () => {
  for (const argv of [['help'], ['--help'], ['-h']]) {
    const r = await run(argv)
    assert.equal(r.code, 0)
    assert.match(r.stdout, /meshkv put KEY \[VALUE\]/)
    assert.match(r.stdout, /exit codes: 0 ok, 1 not found, 2 usage error, 3 daemon unreachable/)
  }
  for (const argv of [['help', 'put'], ['put', '--help'], ['put', 'k', '-h']]) {
    const r = await run(argv)
    assert.equal(r.code, 0)
    assert.match(r.stdout, /^usage: meshkv put KEY/)
  }
  // after "--" it is a value, not a flag
  const value = await run(['put', 'k', '--', '--help'], { MESHKV_API: `http://127.0.0.1:${await freePort()}` })
  assert.equal(value.code, EXIT.UNREACHABLE)
})

test('an API with nothing behind it exits 3 and names the URL', async () => {
  const api = `http://127.0.0.1:${await freePort()}`
  for (const argv of [['get', 'k'], ['put', 'k', 'v'], ['del', 'k'], ['status']]) {
    const r = await run([...argv, '--api', api])
    assert.equal(r.code, EXIT.UNREACHABLE, argv.join(' '))
    assert.match(r.stderr, new RegExp(`cannot reach the meshkv daemon at ${api}`))
  }
  const fromEnv = await run(['status'], { MESHKV_API: api.replace('http://', '') })
  assert.equal(fromEnv.code, EXIT.UNREACHABLE)
  assert.match(fromEnv.stderr, new RegExp(api))
})

describe('daemon error replies become exit codes', () => {
  let server: Server
  let api: string
  const replies = new Map<string, [number, unknown]>()
  before(async () => {
    server = createServer((req, res) => {
      const [status, body] = replies.get(req.url ?? '') ?? [404, '<html>not meshkv</html>']
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    })
    await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => { await new Promise(resolve => { server.close(resolve) }) })

  const err = (code: string, message: string): unknown => ({ error: { code, message } })
  const cases: Array<[string, number, unknown, number, RegExp]> = [
    ['quorum', 503, err('ERR_QUORUM_NOT_MET', 'put q: quorum not met: 0 of 2'), EXIT.REFUSED, /quorum not met/],
    ['timeout', 504, err('ERR_TIMEOUT', 'too slow'), EXIT.REFUSED, /too slow \(ERR_TIMEOUT\)/],
    ['badarg', 400, err('ERR_INVALID_ARGUMENT', 'query parameter w must be a whole number from 1 to 3, got "5"'), EXIT.USAGE, /from 1 to 3/],
    ['toolarge', 413, err('ERR_PAYLOAD_TOO_LARGE', 'value is 9 bytes'), EXIT.USAGE, /value is 9 bytes/],
    ['siblings', 409, err('ERR_TOO_MANY_SIBLINGS', 'too many'), EXIT.FAILED, /too many/],
    ['internal', 500, err('ERR_INTERNAL', 'boom'), EXIT.FAILED, /boom/]
  ]
  for (const [key, status, body, exit, message] of cases) {
    test(`${status} ${key} exits ${exit}`, async () => {
      replies.set(`/kv/${key}`, [status, body])
      const r = await run(['put', key, 'v', '--api', api])
      assert.equal(r.code, exit, r.stderr)
      assert.match(r.stderr, message)
    })
  }

  test('a server that is not a meshkv daemon exits 5', async () => {
    const r = await run(['status', '--api', api])
    assert.equal(r.code, EXIT.FAILED)
    assert.match(r.stderr, /unexpected HTTP 404 .* is this a meshkv daemon\?/)
  })

  test('a missing key exits 1; a missing route does not pass for one', async () => {
    replies.set('/kv/gone', [404, err('ERR_NOT_FOUND', 'key not found: gone')])
    const gone = await run(['get', 'gone', '--api', api])
    assert.equal(gone.code, EXIT.NOT_FOUND)
    assert.match(gone.stderr, /key not found: gone/)
    replies.set('/kv/route', [404, err('ERR_NO_ROUTE', 'no such route')])
    assert.equal((await run(['get', 'route', '--api', api])).code, EXIT.FAILED)
  })

  test('keys are escaped whole, "/" included', async () => {
    replies.set('/kv/a%2Fb%20c%3Fd', [200, { context: 'ctx', acked: ['p'] }])
    const r = await run(['put', 'a/b c?d', 'v', '--api', api])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'ctx\n')
  })

  test('put reads the value from stdin when it is not given', async () => {
    let seen = ''
    server.once('request', req => { req.on('data', (d: Buffer) => { seen += d.toString() }) })
    replies.set('/kv/piped', [200, { context: 'c2', acked: [] }])
    const r = await run(['put', 'piped', '--api', api], {}, ['line one\n', 'line two'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(seen, 'line one\nline two')
  })
})

describe('the bin', () => {
  test('meshkv --help exits 0; meshkv get without KEY exits 2 with usage on stderr', async () => {
    const help = await cli(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^meshkv: a Dynamo-style/)
    const bad = await cli(['get'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /missing KEY[\s\S]*usage: meshkv get/)
    assert.equal(bad.stdout, '')
  })
})
