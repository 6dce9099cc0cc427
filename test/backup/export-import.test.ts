/**
 * Backup and restore across real 3-peer clusters (in-process nodes with
 * their HTTP APIs, the CLI run in-process): keys with concurrent siblings
 * and deletes exported from one cluster and imported into a fresh one read
 * back the same (values, sibling sets, delete counts, contexts); importing
 * again changes nothing; a file with a bad line is refused at that line
 * with the keys before it imported.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCluster, bytes, waitFor } from '../fixtures/cluster.js'
import { startHttpApi } from '../../src/daemon/http-api.js'
import { createLog } from '../../src/daemon/log.js'
import { main } from '../../src/cli/main.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { HttpApi } from '../../src/daemon/http-api.js'
import type { MeshNode } from '../../src/node.js'
import type { CliIo } from '../../src/cli/io.js'

/** index of the target cluster's first API in `apis` */
const TGT = 4
const quiet = createLog('error', { write: () => {} })
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

async function run (argv: string[], stdin: string[] = []): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : text(c); return true } },
    stderr: { write: (c: string) => { stderr += c } },
    stdin: (async function * () { yield * stdin })(),
    env: {}
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

interface Read { found: boolean, values: string[], deletes: number, context: string }

async function readAll (node: MeshNode, keys: string[]): Promise<Record<string, Read>> {
  const out: Record<string, Read> = {}
  await Promise.all(keys.map(async k => {
    const r = await node.get(k, { r: 3 })
    out[k] = { found: r.found, values: r.values.map(text).sort(), deletes: r.deletes, context: r.context }
  }))
  return out
}

describe('export and import', () => {
  let source: TestCluster
  let target: TestCluster
  let apis: HttpApi[] = []
  let dir: string
  const keys: string[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshkv-backup-'))
    const options = { n: 3, r: 2, w: 3, antiEntropyIntervalMs: 0 }
    // four peers for n=3: no peer holds every key, so the export must read the others
    ;[source, target] = await Promise.all([startCluster(4, options), startCluster(3, options)])
    await Promise.all([source.converged(4), target.converged(3)])
    apis = await Promise.all([...source.nodes, ...target.nodes].map(async node => startHttpApi({ node, host: '127.0.0.1', port: 0, log: quiet })))
    const [a, b, c] = source.nodes
    for (let i = 0; i < 20; i++) {
      const k = `plain/${i}`
      keys.push(k)
      await source.nodes[i % 3].put(k, bytes(`value ${i}`))
    }
    // concurrent writes through different peers, without a context: siblings
    for (let i = 0; i < 5; i++) {
      const k = `siblings/${i}`
      keys.push(k)
      await a.put(k, bytes(`from a ${i}`))
      await b.put(k, bytes(`from b ${i}`))
      await c.put(k, bytes(`from c ${i}`))
    }
    // deletes: one after a read (gone), one concurrent with a value (a delete sibling)
    keys.push('deleted', 'delete-sibling', 'bin ary/é ✓')
    const w = await a.put('deleted', bytes('soon gone'))
    await b.delete('deleted', { context: w.context })
    await a.put('delete-sibling', bytes('kept'))
    await c.delete('delete-sibling')
    await b.put('bin ary/é ✓', new Uint8Array([0, 255, 1, 254]))
  })

  after(async () => {
    await Promise.allSettled(apis.map(async api => api.close(100)))
    await Promise.allSettled([source?.stop(), target?.stop()])
    await rm(dir, { recursive: true, force: true })
  })

  test('an export read back into a fresh cluster reads the same, siblings and deletes included', async () => {
    const before = await readAll(source.nodes[0], keys)
    const exporter = source.nodes[1]
    const notHere = keys.filter(k => !exporter.preferenceList(k).includes(exporter.peerId))
    assert.ok(notHere.length > 0, 'some keys live on other peers only')
    assert.equal(before['siblings/0'].values.length, 3)
    assert.deepEqual(before['delete-sibling'], { ...before['delete-sibling'], found: true, values: ['kept'], deletes: 1 })
    assert.equal(before.deleted.found, false)

    const file = join(dir, 'backup.jsonl')
    const exported = await run(['export', '--out', file, '--api', apis[1].url, '--json'])
    assert.equal(exported.code, 0, exported.stderr)
    const summary = JSON.parse(exported.stdout) as { keys: number, peers: number }
    assert.equal(summary.keys, keys.length)
    assert.equal(summary.peers, 4)
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map(l => JSON.parse(l) as { key: string, record: { entries: Array<{ values: Array<{ value: string | null }> }> } })
    assert.deepEqual(lines.map(l => l.key).sort(), [...keys].sort())
    // the tombstone travels: without it the deleted value could come back
    assert.ok(lines.find(l => l.key === 'deleted')!.record.entries.some(e => e.values.some(v => v.value === null)))

    const imported = await run(['import', file, '--api', apis[TGT].url, '--json'])
    assert.equal(imported.code, 0, imported.stderr)
    assert.deepEqual(JSON.parse(imported.stdout), { imported: keys.length, lines: keys.length })
    assert.deepEqual(await readAll(target.nodes[2], keys), before)
  })

  test('importing the same export again changes nothing, in the cluster it came from too', async () => {
    const file = join(dir, 'backup.jsonl')
    const targetBefore = await readAll(target.nodes[0], keys)
    const sourceBefore = await readAll(source.nodes[0], keys)
    const again = await run(['import', file, '--api', apis[TGT + 1].url])
    assert.equal(again.code, 0, again.stderr)
    const same = await run(['import', file, '--api', apis[0].url])
    assert.equal(same.code, 0, same.stderr)
    assert.deepEqual(await readAll(target.nodes[0], keys), targetBefore)
    assert.deepEqual(await readAll(source.nodes[0], keys), sourceBefore)
  })

  test('an import merges: data written after the export is kept, never overwritten', async () => {
    const file = join(dir, 'backup.jsonl')
    const read = await target.nodes[0].get('plain/1', { r: 3 })
    await target.nodes[0].put('plain/1', bytes('newer'), { context: read.context })
    const res = await run(['import', '--api', apis[TGT + 2].url], [await readFile(file, 'utf8')])
    assert.equal(res.code, 0, res.stderr)
    const after = await target.nodes[1].get('plain/1', { r: 3 })
    assert.deepEqual(after.values.map(text), ['newer'])
  })

  test('a bad line is refused with its line number; the lines before it stay imported', async () => {
    const file = join(dir, 'backup.jsonl')
    const good = (await readFile(file, 'utf8')).trim().split('\n')
    const fresh = good.filter(l => (JSON.parse(l) as { key: string }).key.startsWith('plain/')).slice(0, 3)
      .map(l => l.replace(/"key":"plain\//, '"key":"restored/'))
    const bad = join(dir, 'bad.jsonl')
    await writeFile(bad, [...fresh, '{"key": "x", "record": {"entries": [{"actor": "b", "counter": 1, "values": []}, {"actor": "a", "counter": 1, "values": []}], "anonymous": []}}', good[0]].join('\n') + '\n')
    const res = await run(['import', bad, '--api', apis[TGT].url])
    assert.notEqual(res.code, 0)
    assert.match(res.stderr, /line 4: .*not sorted/)
    assert.match(res.stderr, /3 keys imported before it/)
    for (const l of fresh) {
      const key = (JSON.parse(l) as { key: string }).key
      assert.equal((await target.nodes[0].get(key, { r: 3 })).found, true, key)
    }
    // not JSON at all, straight to the API
    const reply = await fetch(`${apis[TGT].url}/import`, { method: 'POST', body: `${fresh[0]}\n{nope\n` })
    assert.equal(reply.status, 400)
    const body = await reply.json() as { error: { code: string, message: string, line: number, imported: number } }
    assert.equal(body.error.code, 'ERR_INVALID_ARGUMENT')
    assert.equal(body.error.line, 2)
    assert.equal(body.error.imported, 1)
    assert.match(body.error.message, /^line 2: not JSON/)
  })

  test('with a member down, the export names it and still holds every key from the other replicas', async () => {
    const down = source.nodes[3]
    await down.stop({ announce: false })
    await waitFor('the stopped peer down', () => source.nodes[0].members().some(m => m.id === down.peerId && m.state === 'down'), 20_000)
    const res = await fetch(`${apis[0].url}/export`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('x-meshkv-export-skipped'), down.peerId)
    assert.equal(res.headers.get('x-meshkv-export-peers'), '3')
    const got = (await res.text()).trim().split('\n').map(l => (JSON.parse(l) as { key: string }).key)
    for (const k of keys) assert.ok(got.includes(k), k)
  })
})
