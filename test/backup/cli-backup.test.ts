/**
 * The CLI's side of export and import against a stand-in HTTP server: an
 * export cut mid-way fails and leaves no file under the name asked for; an
 * import offered to a peer answering 429 waits its Retry-After and sends the
 * batch again; line numbers of a refused line are the file's.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CliIo } from '../../src/cli/io.js'

async function run (argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : new TextDecoder().decode(c); return true } },
    stderr: { write: (c: string) => { stderr += c } },
    stdin: (async function * () {})(),
    env: {}
  }
  return { code: await main(argv, io), stdout, stderr }
}

describe('export and import in the CLI', () => {
  let server: Server
  let api: string
  let dir: string
  const imports: Array<{ status: number, body: string }> = []
  let answers: Array<(body: string) => { status: number, headers?: Record<string, string>, body: unknown }> = []
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshkv-cli-backup-'))
    server = createServer((req, res) => {
      if (req.url === '/export' && req.headers.authorization !== undefined) {
        // a daemon with an apiToken: the export is whole for the token's bearer
        const ok = req.headers.authorization === 'Bearer s3cret'
        res.writeHead(ok ? 200 : 401, { 'content-type': ok ? 'application/x-ndjson' : 'application/json' })
        res.end(ok ? '{"key":"a","record":{"entries":[],"anonymous":[]}}\n' : JSON.stringify({ error: { code: 'ERR_UNAUTHORIZED', message: 'wrong token' } }))
        return
      }
      if (req.url === '/export') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' })
        res.write('{"key":"a","record":{"entries":[],"anonymous":[]}}\n')
        // then the peer fails: the connection goes without the final chunk
        setTimeout(() => { res.destroy() }, 50)
        return
      }
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString() })
      req.on('end', () => {
        const answer = answers.shift()!(body)
        imports.push({ status: answer.status, body })
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        res.end(JSON.stringify(answer.body))
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  test('an export cut mid-way fails (exit 5) and leaves neither FILE nor FILE.partial', async () => {
    const out = join(dir, 'cut.jsonl')
    const res = await run(['export', '--out', out, '--api', api])
    assert.equal(res.code, 5)
    assert.match(res.stderr, /was cut after 1 keys/)
    assert.deepEqual((await readdir(dir)).filter(f => f.startsWith('cut')), [])
  })

  test('an export sends the API token (a daemon with apiToken answers 401 to a request without it)', async () => {
    const out = join(dir, 'token.jsonl')
    const res = await run(['export', '--out', out, '--api', api, '--api-token', 's3cret'])
    assert.equal(res.code, 0, res.stderr)
    assert.equal(await readFile(out, 'utf8'), '{"key":"a","record":{"entries":[],"anonymous":[]}}\n')
  })

  test('a batch answered 429 is sent again after Retry-After', async () => {
    const file = join(dir, 'two.jsonl')
    await writeFile(file, 'line one\nline two\n')
    answers = [
      () => ({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'ERR_OVERLOADED', message: 'saturated' } } }),
      () => ({ status: 200, body: { lines: 2, imported: 2 } })
    ]
    imports.length = 0
    const started = performance.now()
    const res = await run(['import', file, '--api', api])
    assert.equal(res.code, 0, res.stderr)
    assert.equal(res.stdout, `imported 2 keys from ${file}\n`)
    assert.deepEqual(imports.map(i => i.status), [429, 200])
    assert.equal(imports[1].body, 'line one\nline two\n')
    assert.ok(performance.now() - started >= 1000, 'waited the Retry-After')
  })

  test('a refused line is reported with its number in the file', async () => {
    const file = join(dir, 'bad.jsonl')
    await writeFile(file, 'a\nb\nc\n')
    answers = [() => ({ status: 400, body: { error: { code: 'ERR_INVALID_ARGUMENT', message: 'line 3: not JSON', line: 3, imported: 2 } } })]
    const res = await run(['import', file, '--api', api])
    assert.equal(res.code, 2)
    assert.match(res.stderr, /bad\.jsonl, line 3: not JSON \(ERR_INVALID_ARGUMENT\) \(2 keys imported before it\)/)
  })
})
