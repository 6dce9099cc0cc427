/**
 * The progress bars of the long verbs, run whole (in-process) with stderr a
 * terminal: `meshkv export` and `meshkv import` against a real node draw
 * their bar on stderr and leave stdout and the file exactly what they are
 * without one; `meshkv leave` draws the daemon's pushed/total as a bar and
 * still prints its outcome. Not a terminal: stderr gets no bar.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { startCluster, bytes, tempDir } from '../fixtures/cluster.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { main } from '../../src/cli/main.js'
import type { AddressInfo } from 'node:net'
import type { TestCluster } from '../fixtures/cluster.js'
import type { HttpApi } from '../../src/daemon/http-api.js'
import type { CliIo } from '../../src/cli/io.js'

const quiet = createLog('error', { write: () => {} })

async function run (argv: string[], tty: boolean): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  // a terminal as cli-progress sees one: isTTY, its width, cursor moves
  const stderrStream = {
    isTTY: tty,
    columns: 120,
    write: (c: string) => { stderr += c; return true },
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stderrStream,
    removeListener: () => stderrStream
  }
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : new TextDecoder().decode(c); return true } },
    stderr: stderrStream,
    stdin: (async function * () {})(),
    env: {}
  }
  return { code: await main(argv, io), stdout, stderr }
}

describe('progress bars of export, import and leave', () => {
  let cluster: TestCluster
  let api: HttpApi
  let dir: string
  before(async () => {
    dir = await tempDir('meshkv-progress-')
    cluster = await startCluster(1, { n: 1, r: 1, w: 1 })
    api = await startHttpApi({ node: cluster.nodes[0], host: '127.0.0.1', port: 0, log: quiet })
    for (let i = 0; i < 200; i++) await cluster.nodes[0].put(`p/${i}`, bytes(`value ${i}`))
  })
  after(async () => {
    await api?.close(100)
    await cluster?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('export and import on a terminal: a bar on stderr; stdout and the file as without one', async () => {
    const piped = await run(['export', '--api', api.url], false)
    assert.equal(piped.code, 0, piped.stderr)
    assert.equal(piped.stderr, '', 'not a terminal: no bar')
    const onTty = await run(['export', '--api', api.url], true)
    assert.equal(onTty.code, 0, onTty.stderr)
    assert.match(onTty.stderr, /export (\[.*\] \d+% \| )?\d+ keys/)
    assert.equal(onTty.stdout, piped.stdout, 'the export on stdout is the same')
    assert.equal(onTty.stdout.trim().split('\n').length, 200)

    const file = join(dir, 'all.jsonl')
    const toFile = await run(['export', '--out', file, '--api', api.url], true)
    assert.equal(toFile.code, 0, toFile.stderr)
    assert.equal(await readFile(file, 'utf8'), piped.stdout)
    assert.equal(toFile.stdout, `exported 200 keys (${Buffer.byteLength(piped.stdout)} bytes) from 1 peers to ${file}\n`)

    const imported = await run(['import', file, '--api', api.url], true)
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stderr, /import \[.*\] \d+% \| [\d.]+ (B|KiB) of [\d.]+ KiB/)
    assert.equal(imported.stdout, `imported 200 keys from ${file}\n`)
    const quietImport = await run(['import', file, '--api', api.url], false)
    assert.equal(quietImport.stderr, '')
  })

  test('leave on a terminal: the daemon\'s keys pushed of its total as a bar, then the outcome', async () => {
    // the daemon's side of POST /leave (src/daemon/http-leave.ts): a progress line each half second, then left
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      const lines = [
        { transfer: { state: 'leaving', leave: { pushed: 0, total: 40, failed: 0 } } },
        { transfer: { state: 'leaving', leave: { pushed: 20, total: 40, failed: 0 } } },
        { left: true, transfer: { state: 'left', leave: { pushed: 40, total: 40, failed: 0 } } }
      ]
      let i = 0
      const next = (): void => {
        res.write(JSON.stringify(lines[i++]) + '\n')
        if (i < lines.length) setTimeout(next, 300)
        else res.end()
      }
      next()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const onTty = await run(['leave', '--api', url], true)
      assert.equal(onTty.code, 0, onTty.stderr)
      assert.match(onTty.stderr, /leave \[.*\] 50% \| 20 keys of 40 keys/)
      assert.equal(onTty.stdout, 'left: pushed 40 of 40 keys\n')
      const piped = await run(['leave', '--api', url], false)
      assert.equal(piped.code, 0, piped.stderr)
      assert.equal(piped.stderr, '')
      assert.equal(piped.stdout, 'leaving: pushed 0 of 40 keys\nleaving: pushed 20 of 40 keys\nleft: pushed 40 of 40 keys\n')
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  })
})
