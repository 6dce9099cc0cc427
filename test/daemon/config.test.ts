/**
 * The daemon's config: every class of bad input is an InvalidConfigError
 * naming the key and where it came from; flags override the file; the
 * defaults are the lone-peer embedded default; the shipped configs are valid.
 */
import '../../src/shim.js'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidConfigError } from '../../src/errors.js'
import { nodeOptions, resolveConfig } from '../../src/daemon/config.js'
import { DEFAULT_LISTEN } from '../../src/transports.js'
import type { ConfigFlags } from '../../src/daemon/config.js'

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..')

let dir: string
let count = 0
before(async () => { dir = await mkdtemp(join(tmpdir(), 'meshkv-config-')) })
after(async () => { await rm(dir, { recursive: true, force: true }) })

async function file (content: unknown): Promise<string> {
  const path = join(dir, `c${count++}.json`)
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

async function refused (options: { file?: string, flags?: ConfigFlags }, key: string | undefined, message: RegExp): Promise<void> {
  await assert.rejects(resolveConfig({ ...options, cwd: dir }), (err: unknown) => {
    assert.ok(err instanceof InvalidConfigError, `not an InvalidConfigError: ${String(err)}`)
    assert.equal(err.code, 'ERR_INVALID_CONFIG')
    assert.equal(err.key, key)
    assert.match(err.message, message)
    return true
  })
}

test('no file and no flags: a cluster peer, 3/2/2, whose cluster settings are adopted from the cluster', async () => {
  const c = await resolveConfig({ cwd: dir })
  assert.deepEqual([c.n, c.r, c.w], [3, 2, 2])
  assert.deepEqual(c.unset, ['n', 'r', 'w', 'tokensPerUnit'])
  const o = nodeOptions(c)
  assert.deepEqual([o.n, o.r, o.w, o.tokensPerUnit], [undefined, undefined, undefined, undefined], 'unset: the node adopts the cluster\'s')
  assert.equal(c.dataDir, join(dir, 'data', 'default'))
  assert.equal(c.api, '127.0.0.1:7070')
  assert.deepEqual(c.listen, DEFAULT_LISTEN)
  assert.deepEqual(c.bootstrap, [])
  assert.equal(c.cluster, 'default')
  assert.equal(c.logLevel, 'info')
  assert.equal(c.fsync, false)
})

test('unset quorums are a majority of n; set ones are kept', async () => {
  assert.deepEqual(await pick({ n: 3 }), [3, 2, 2])
  assert.deepEqual(await pick({ n: 5 }), [5, 3, 3])
  assert.deepEqual(await pick({ n: 3, r: 1, w: 3 }), [3, 1, 3])
  async function pick (raw: object): Promise<number[]> {
    const c = await resolveConfig({ file: await file(raw), cwd: dir })
    return [c.n, c.r, c.w]
  }
})

test('flags override the file; relative paths resolve against the current directory', async () => {
  const path = await file({ cluster: 'fromfile', dataDir: 'file-data', api: '127.0.0.1:7001', listen: ['/ip4/127.0.0.1/tcp/7101'], capacity: 1, zone: 'z1', n: 3 })
  const fileOnly = await resolveConfig({ file: path, cwd: dir })
  assert.equal(fileOnly.cluster, 'fromfile')
  assert.equal(fileOnly.dataDir, join(dir, 'file-data'))
  const c = await resolveConfig({
    file: path,
    cwd: dir,
    flags: {
      cluster: 'fromflags',
      data: '/abs/data',
      api: '[::1]:0',
      listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
      bootstrap: ['/ip4/127.0.0.1/tcp/7102', '/ip4/127.0.0.1/tcp/7103/p2p/12D3KooWSBSAEswUb7SRktSS3WxG9Rajg34AKP6GTpWGqGxADmsc'],
      capacity: '2.5'
    }
  })
  assert.equal(c.cluster, 'fromflags')
  assert.equal(c.dataDir, '/abs/data')
  assert.equal(c.api, '[::1]:0')
  assert.deepEqual(c.listen, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])
  assert.equal(c.bootstrap.length, 2)
  assert.equal(c.capacity, 2.5)
  assert.equal(c.zone, 'z1', 'keys without a flag keep the file value')
  assert.deepEqual([c.n, c.r, c.w], [3, 2, 2])
  const o = nodeOptions(c)
  assert.equal(o.dataDir, '/abs/data')
  assert.equal(o.capacity, 2.5)
  assert.deepEqual([o.n, o.r, o.w], [3, undefined, undefined], 'r and w unset follow the (set) n as a majority in the node')
  assert.deepEqual(nodeOptions({ ...c, unset: [] }).r, 2)
})

const BAD: Array<[string, object, string, RegExp]> = [
  ['cluster with a space', { cluster: 'my cluster' }, 'cluster', /1 to 64 letters, digits/],
  ['cluster too long', { cluster: 'x'.repeat(65) }, 'cluster', /got "x{65}"/],
  ['a long value is shown cut short', { cluster: 'x'.repeat(100) }, 'cluster', /got "x+\.\.\.$/],
  ['cluster not a string', { cluster: 7 }, 'cluster', /got 7/],
  ['empty dataDir', { dataDir: '' }, 'dataDir', /non-empty string/],
  ['listen not an array', { listen: '/ip4/127.0.0.1/tcp/1' }, 'listen', /array of multiaddr/],
  ['listen empty', { listen: [] }, 'listen', /at least 1/],
  ['listen not a multiaddr', { listen: ['127.0.0.1:7101'] }, 'listen[0]', /multiaddr like/],
  ['listen entry not a string', { listen: [7101] }, 'listen[0]', /multiaddr string/],
  ['api without a port', { api: '127.0.0.1' }, 'api', /HOST:PORT/],
  ['api port out of range', { api: '127.0.0.1:70000' }, 'api', /0 to 65535/],
  ['api a number', { api: 7070 }, 'api', /got 7070/],
  ['bootstrap not a multiaddr', { bootstrap: ['/ip4/127.0.0.1/tcp/x'] }, 'bootstrap[0]', /multiaddr like/],
  ['capacity zero', { capacity: 0 }, 'capacity', /positive number, got 0/],
  ['capacity a string', { capacity: '2' }, 'capacity', /positive number, got "2"/],
  ['capacity too big for the ring', { capacity: 1e6 }, 'capacity', /ring tokens/],
  ['zone empty', { zone: '' }, 'zone', /1 to 64 characters/],
  ['n zero', { n: 0 }, 'n', /whole number from 1 to 64, got 0/],
  ['n fractional', { n: 2.5 }, 'n', /got 2\.5/],
  ['n a string', { n: '3' }, 'n', /got "3"/],
  ['r above n', { n: 3, r: 4 }, 'r', /from 1 to n=3, got 4/],
  ['phiThreshold not a number', { phiThreshold: 'high' }, 'phiThreshold', /a number from 1 to 100, got "high"/],
  ['announceMs below heartbeatMs', { heartbeatMs: 1000, announceMs: 500 }, 'announceMs', /must be at least heartbeatMs=1000, got 500/],
  ['capacity over the ring token limit', { capacity: 10000, tokensPerUnit: 16 }, 'capacity', /at most 512 with tokensPerUnit=16 \(8192 ring tokens\), got 10000/],
  ['r above the default n', { r: 4 }, 'r', /from 1 to n=3, got 4 \(n is 3 unless set\)/],
  ['maxValueBytes zero', { maxValueBytes: 0 }, 'maxValueBytes', /whole number from 1/],
  ['maxValueBytes beyond a frame', { maxValueBytes: 1e9 }, 'maxValueBytes', /to 4194304/],
  ['fsync a string', { fsync: 'yes' }, 'fsync', /true or false, got "yes"/],
  ['heartbeatMs zero', { heartbeatMs: 0 }, 'heartbeatMs', /whole number from 10/],
  ['memberTimeoutMs not above heartbeatMs', { heartbeatMs: 1000, memberTimeoutMs: 1000 }, 'memberTimeoutMs', /more than heartbeatMs=1000, got 1000/],
  ['requestTimeoutMs negative', { requestTimeoutMs: -5 }, 'requestTimeoutMs', /got -5/],
  ['inflightTargetMs fractional', { inflightTargetMs: 2.5 }, 'inflightTargetMs', /whole number from 0 to 3600000, got 2\.5/],
  ['tokensPerUnit fractional', { tokensPerUnit: 1.5 }, 'tokensPerUnit', /whole number/],
  ['logLevel unknown', { logLevel: 'verbose' }, 'logLevel', /one of "debug", "info", "warn", "error", got "verbose"/],
  ['a typo of a key', { datadir: 'x' }, 'datadir', /unknown key \(did you mean "dataDir"\?\)/],
  ['a prefix of a key', { heartbeat: 100 }, 'heartbeat', /did you mean "heartbeatMs"/],
  ['a key like nothing', { colour: 'blue' }, 'colour', /unknown key; known keys: cluster, dataDir/]
]

describe('every class of bad value names the key and the file', () => {
  for (const [what, raw, key, message] of BAD) {
    test(what, async () => {
      const path = await file(raw)
      await refused({ file: path }, key, new RegExp(`^config ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${key.replace(/[[\]]/g, '\\$&')}: `))
      await refused({ file: path }, key, message)
    })
  }
})

test('a quorum above n is refused in exactly these words, never lowered', async () => {
  const path = await file({ n: 3, w: 5 })
  await refused({ file: path }, 'w', new RegExp(`^config ${path}: w: must be a whole number from 1 to n=3, got 5$`))
})

test('a file that is missing, not JSON, or not an object says so', async () => {
  const missing = join(dir, 'nope.json')
  await refused({ file: missing }, undefined, new RegExp(`^config ${missing}: no such file$`))
  const bad = await file('{ "n": 3,, }')
  await refused({ file: bad }, undefined, new RegExp(`^config ${bad}: not valid JSON: `))
  await refused({ file: await file('[1, 2]') }, undefined, /must be a JSON object of settings, got an array/)
  await refused({ file: await file('null') }, undefined, /must be a JSON object of settings, got null/)
  await refused({ file: dir }, undefined, /is a directory/)
})

test('bad flags are named as flags', async () => {
  await refused({ flags: { capacity: 'lots' } }, 'capacity', /^flag --capacity: capacity: must be a positive number, got "lots"$/)
  await refused({ flags: { capacity: '-1' } }, 'capacity', /^flag --capacity: .*got -1$/)
  await refused({ flags: { capacity: 'Infinity' } }, 'capacity', /got Infinity$/)
  await refused({ flags: { capacity: '-' } }, 'capacity', /got "-"$/)
  await refused({ flags: { listen: ['/ip4/127.0.0.1/tcp/0', 'tcp:7000'] } }, 'listen[1]', /^flag --listen: listen\[1\]: /)
  await refused({ flags: { api: 'localhost' } }, 'api', /^flag --api: api: must be "HOST:PORT"/)
  await refused({ flags: { cluster: 'a/b' } }, 'cluster', /^flag --cluster: /)
  await refused({ flags: { data: '' } }, 'dataDir', /^flag --data: dataDir: /)
})

describe('the shipped configs', () => {
  test('single.json is the lone-peer default on 127.0.0.1:7070', async () => {
    const c = await resolveConfig({ file: join(ROOT, 'configs', 'single.json'), cwd: dir })
    assert.deepEqual([c.n, c.r, c.w], [1, 1, 1])
    assert.equal(c.api, '127.0.0.1:7070')
    assert.equal(c.dataDir, join(dir, 'data', 'single'))
    assert.deepEqual(c.listen, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])
  })

  for (const [name, i] of [['a', 1], ['b', 2], ['c', 3]] as const) {
    test(`cluster-${name}.json is peer ${i} of 3 (3/2/2), bootstrapping from the other two by address`, async () => {
      const c = await resolveConfig({ file: join(ROOT, 'configs', `cluster-${name}.json`), cwd: dir })
      assert.deepEqual([c.n, c.r, c.w], [3, 2, 2])
      assert.equal(c.api, `127.0.0.1:707${i}`)
      assert.deepEqual(c.listen, [`/ip4/127.0.0.1/tcp/710${i}`, `/ip4/127.0.0.1/tcp/720${i}/ws`])
      assert.equal(c.dataDir, join(dir, 'data', `cluster-${name}`))
      const others = [1, 2, 3].filter(j => j !== i).map(j => `/ip4/127.0.0.1/tcp/710${j}`)
      assert.deepEqual(c.bootstrap, others)
    })
  }
})

test('discovery: mDNS and the DHT on by default; --no-mdns and the keys turn them off; a bad value is named', async () => {
  const d = await resolveConfig({ cwd: dir })
  assert.deepEqual([d.mdns, d.dht, d.dhtProtocol], [true, true, '/meshkv/kad/1.0.0'])
  assert.equal(nodeOptions(d).mdns, true)
  const off = await resolveConfig({ file: await file({ dht: false, dhtProtocol: '/acme/kad/1.0.0' }), flags: { mdns: false }, cwd: dir })
  assert.deepEqual([off.mdns, off.dht, off.dhtProtocol], [false, false, '/acme/kad/1.0.0'])
  const o = nodeOptions(off)
  assert.deepEqual([o.mdns, o.dht, o.dhtProtocol], [false, false, '/acme/kad/1.0.0'])
  await refused({ file: await file({ mdns: 'no' }) }, 'mdns', /mdns: must be true or false, got "no"/)
  await refused({ file: await file({ dhtProtocol: 'kad' }) }, 'dhtProtocol', /must be a protocol id/)
})
