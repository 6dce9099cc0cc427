/**
 * `meshkv bucket create|list|show` and `--bucket` on put/get/del, in-process
 * through main() against a real single node's HTTP API (n=r=w=1): tables
 * for people, the API's JSON with --json, and exit codes (a quota is 4, the
 * cluster refusing; an unknown bucket 5; bad arguments 2).
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'
import { EXIT } from '../../src/cli/io.js'
import { createNode } from '../../src/node.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { tempDir } from '../fixtures/cluster.js'
import { cli } from '../fixtures/daemon.js'
import type { CliIo } from '../../src/cli/io.js'
import type { MeshNode } from '../../src/node.js'
import type { HttpApi } from '../../src/daemon/http-api.js'

interface Run { code: number, stdout: string, stderr: string }

describe('meshkv bucket and --bucket', () => {
  let dir: string
  let node: MeshNode
  let api: HttpApi
  const run = async (argv: string[], stdin: string[] = []): Promise<Run> => {
    let stdout = ''
    let stderr = ''
    const io: CliIo = {
      stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : Buffer.from(c).toString() } },
      stderr: { write: (c: string) => { stderr += c } },
      stdin: (async function * () { for (const s of stdin) yield Buffer.from(s) })(),
      env: { MESHKV_API: api.url }
    }
    return { code: await main(argv, io), stdout, stderr }
  }

  before(async () => {
    dir = await tempDir('meshkv-bucket-cli-')
    node = await createNode({ dataDir: join(dir, 'data'), listen: ['/ip4/127.0.0.1/tcp/0'], n: 1, r: 1, w: 1, bucketRefreshMs: 100 })
    api = await startHttpApi({ node, host: '127.0.0.1', port: 0, log: createLog('error', { write: () => {} }) })
  })
  after(async () => {
    await api.close(100)
    await node.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('create prints the bucket as a table, --json as the API\'s JSON; show and list read it back', async () => {
    const created = await run(['bucket', 'create', 'logs', '--max-keys', '2', '--max-bytes', '1000'])
    assert.equal(created.code, EXIT.OK, created.stderr)
    assert.match(created.stdout, /^bucket\s+logs$/m)
    assert.match(created.stdout, /^quorums\s+n=1 r=1 w=1$/m)
    assert.match(created.stdout, /^max-keys\s+2 \(0 used\)$/m)
    const shown = await run(['bucket', 'show', 'logs', '--json'])
    assert.equal(shown.code, EXIT.OK, shown.stderr)
    const info = JSON.parse(shown.stdout)
    assert.deepEqual([info.name, info.n, info.maxKeys, info.maxBytes], ['logs', 1, 2, 1000])
    const listed = await run(['bucket', 'list'])
    assert.equal(listed.code, EXIT.OK, listed.stderr)
    const rows = listed.stdout.trim().split('\n')
    assert.match(rows[0], /^BUCKET\s+N\s+R\s+W\s+KEYS\s+BYTES$/)
    assert.match(rows[1], /^default\s+1\s+1\s+1\s+-\s+-$/)
    assert.match(rows[2], /^logs\s+1\s+1\s+1\s+0\/2\s+0\/1000$/)
    assert.deepEqual(JSON.parse((await run(['bucket', 'list', '--json'])).stdout).buckets.map((b: { name: string }) => b.name), ['default', 'logs'])
  })

  test('the real bin: bucket list --json, and help for the verb', async () => {
    const listed = await cli(['bucket', 'list', '--json', '--api', api.url])
    assert.equal(listed.code, 0, listed.stderr)
    assert.ok((JSON.parse(listed.stdout) as { buckets: Array<{ name: string }> }).buckets.some(b => b.name === 'logs'))
    const help = await cli(['bucket', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /meshkv bucket create NAME \[--n N --r R --w W\] \[--max-keys K\] \[--max-bytes B\]/)
  })

  test('put, get and del take --bucket; the same key elsewhere is another key', async () => {
    assert.equal((await run(['put', 'k', 'in-logs', '--bucket', 'logs'])).code, EXIT.OK)
    assert.equal((await run(['put', 'k', 'in-default'])).code, EXIT.OK)
    assert.equal((await run(['get', 'k', '--bucket', 'logs'])).stdout, 'in-logs')
    assert.equal((await run(['get', 'k'])).stdout, 'in-default')
    const del = await run(['del', 'k', '--bucket', 'logs'])
    assert.equal(del.code, EXIT.OK, del.stderr)
    const gone = await run(['get', 'k', '--bucket', 'logs'])
    assert.equal(gone.code, EXIT.NOT_FOUND)
    assert.match(gone.stderr, /key not found: logs\/k/)
    assert.equal((await run(['get', 'k'])).stdout, 'in-default')
  })

  test('a write past a quota exits 4 with the quota named; an unknown bucket exits 5; bad arguments exit 2', async () => {
    assert.equal((await run(['put', 'a', '1', '--bucket', 'logs'])).code, EXIT.OK)
    assert.equal((await run(['put', 'b', '2', '--bucket', 'logs'])).code, EXIT.OK)
    await node.refreshBuckets()
    const refused = await run(['put', 'c', '3', '--bucket', 'logs'])
    assert.equal(refused.code, EXIT.REFUSED)
    assert.match(refused.stderr, /quota max-keys exceeded: limit 2, usage 2 \(ERR_QUOTA\)/)
    const unknown = await run(['put', 'k', 'v', '--bucket', 'nope'])
    assert.equal(unknown.code, EXIT.FAILED)
    assert.match(unknown.stderr, /no such bucket: nope.*ERR_NO_SUCH_BUCKET/)
    for (const [argv, why] of [
      [['bucket'], /missing a subcommand/],
      [['bucket', 'drop', 'x'], /unknown subcommand "drop"/],
      [['bucket', 'show'], /missing NAME/],
      [['bucket', 'list', '--max-keys', '3'], /--max-keys is only for bucket create/],
      [['bucket', 'create', 'x', '--max-keys', '0'], /--max-keys must be a whole number/],
      [['bucket', 'create', 'x', '--n', 'two'], /--n must be a whole number/]
    ] as Array<[string[], RegExp]>) {
      const res = await run(argv)
      assert.equal(res.code, EXIT.USAGE, argv.join(' '))
      assert.match(res.stderr, why)
    }
    const bad = await run(['bucket', 'create', 'Bad'])
    assert.equal(bad.code, EXIT.USAGE)
    assert.match(bad.stderr, /bucket name must be.*ERR_INVALID_BUCKET/)
  })
})
