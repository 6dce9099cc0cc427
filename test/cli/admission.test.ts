/**
 * The admission CLI end to end, as an operator runs it: `meshkv cluster
 * init`, `meshkv id`, `meshkv cluster invite`, daemons started with
 * --cluster-key and --cert, `meshkv cluster revoke` through a running
 * daemon; and the API's bearer token (401 without, 200 with, no start off
 * loopback without one).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readCertificate } from '../../src/admission/certificate.js'
import { decodeSignedText } from '../../src/admission/cluster-key.js'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { cli, freePort, startDaemon, stopAll } from '../fixtures/daemon.js'
import { main } from '../../src/cli/main.js'
import type { Daemon } from '../fixtures/daemon.js'
import type { CliIo } from '../../src/cli/io.js'

/** A verb run in-process through main(), as the bin runs it (daemons still run as processes). */
async function run (argv: string[], _input?: undefined, env: Record<string, string> = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: { write: (c: string | Uint8Array) => { stdout += typeof c === 'string' ? c : Buffer.from(c).toString() } },
    stderr: { write: (c: string) => { stderr += c } },
    stdin: (async function * () {})(),
    env
  }
  const code = await main(argv, io)
  return { code, stdout, stderr }
}

const TOKEN = 'test-token-0123456789abcdef'

test('cluster init writes a 0600 key and refuses to overwrite it', async (t) => {
  const dir = await tempDir('meshkv-cli-admission-')
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const key = join(dir, 'cluster.key')
  const first = await run(['cluster', 'init', '--key', key])
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /cluster key 12D3Koo\w+ written to/)
  assert.equal((await stat(key)).mode & 0o777, 0o600)
  const before = await readFile(key, 'utf8')
  const again = await run(['cluster', 'init', '--key', key])
  assert.notEqual(again.code, 0)
  assert.match(again.stderr, /already exists; refusing to overwrite a cluster key/)
  assert.equal(await readFile(key, 'utf8'), before)
  const usage = await run(['cluster', 'init'])
  assert.equal(usage.code, 2)
  assert.match((await run(['cluster', 'frobnicate'])).stderr, /unknown subcommand "frobnicate"/)
})

test('id prints a data dir\'s peer id (creating it once); invite signs a certificate for it', async (t) => {
  const dir = await tempDir('meshkv-cli-admission-')
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const key = join(dir, 'cluster.key')
  assert.equal((await run(['cluster', 'init', '--key', key])).code, 0)
  const a = await run(['id', '--data', join(dir, 'peer')])
  assert.equal(a.code, 0, a.stderr)
  const peer = a.stdout.trim()
  assert.match(peer, /^12D3Koo\w{40,}$/)
  assert.equal((await run(['id', '--data', join(dir, 'peer')])).stdout.trim(), peer, 'the same identity the second time')
  assert.equal((await run(['id'])).code, 2)
  const cert = join(dir, 'peer.cert')
  const inv = await run(['cluster', 'invite', peer, '--key', key, '--out', cert, '--expires', '30d'])
  assert.equal(inv.code, 0, inv.stderr)
  const info = readCertificate(decodeSignedText(await readFile(cert, 'utf8'), 'cert'))
  assert.equal(info?.peer, peer)
  assert.ok(info?.expires !== undefined && Math.abs(info.expires - (Date.now() + 30 * 86_400_000)) < 60_000)
  assert.equal((await run(['cluster', 'invite', 'not-a-peer', '--key', key, '--out', cert])).code, 2)
  assert.equal((await run(['cluster', 'invite', peer, '--key', key, '--out', cert, '--expires', 'soon'])).code, 2)
  const noKey = await run(['cluster', 'invite', peer, '--key', join(dir, 'missing.key'), '--out', cert])
  assert.notEqual(noKey.code, 0)
  assert.match(noKey.stderr, /no such file/)
})

test('daemons with --cluster-key and --cert form a closed cluster; revoke drops a member through the API, and it stays revoked after a restart', async (t) => {
  const dir = await tempDir('meshkv-cli-admission-')
  const daemons: Daemon[] = []
  t.after(async () => { await stopAll(daemons); await rm(dir, { recursive: true, force: true }) })
  const key = join(dir, 'cluster.key')
  assert.equal((await run(['cluster', 'init', '--key', key])).code, 0)
  const dirA = join(dir, 'a')
  const dirB = join(dir, 'b')
  const idB = (await run(['id', '--data', join(dirB, 'data')])).stdout.trim()
  const certB = join(dir, 'b.cert')
  assert.equal((await run(['cluster', 'invite', idB, '--key', key, '--out', certB])).code, 0)
  const tcpA = await freePort()
  const apiA = await freePort()
  const specA = { dir: dirA, cluster: 'cli-closed', config: { n: 2, r: 1, w: 1, apiToken: TOKEN }, token: TOKEN, args: ['--cluster-key', key], tcpPort: tcpA, apiPort: apiA }
  const { mkdir } = await import('node:fs/promises')
  await mkdir(dirA, { recursive: true })
  const a = await startDaemon(specA)
  daemons.push(a)
  const b = await startDaemon({ dir: dirB, cluster: 'cli-closed', config: { n: 2, r: 1, w: 1 }, args: ['--cert', certB], bootstrap: [a.multiaddrs[0]] })
  daemons.push(b)
  assert.equal(b.peerId, idB)
  assert.match(a.logs(), /closed cluster: only peers with a certificate/)
  const auth = { authorization: `Bearer ${TOKEN}` }
  const status = async (d: Daemon, headers: Record<string, string> = {}): Promise<{ members: Array<{ id: string }>, admission: { mode: string, revocations: number, clusterKey: string } }> =>
    await (await fetch(`${d.api}/status`, { headers })).json() as never
  await waitFor('a and b see each other', async () => (await status(a, auth)).members.length === 2 && (await status(b)).members.length === 2, 20_000)
  assert.equal((await status(a, auth)).admission.mode, 'closed')
  assert.equal((await status(b)).admission.clusterKey, (await status(a, auth)).admission.clusterKey)
  const human = await run(['status', '--api', a.api, '--api-token', TOKEN])
  assert.equal(human.code, 0, human.stderr)
  assert.match(human.stdout, /admission closed: cluster key 12D3Koo\w+, this peer's certificate never expires, 0 peers revoked/)

  // revoke b through a's API (the token from the environment)
  const noToken = await run(['cluster', 'revoke', idB, '--key', key, '--api', a.api])
  assert.equal(noToken.code, 5)
  assert.match(noToken.stderr, /ERR_UNAUTHORIZED/)
  const rev = await run(['cluster', 'revoke', idB, '--key', key, '--api', a.api], undefined, { MESHKV_API_TOKEN: TOKEN })
  assert.equal(rev.code, 0, rev.stderr)
  assert.match(rev.stdout, new RegExp(`${idB} revoked`))
  await waitFor('b out of a\'s view', async () => !(await status(a, auth)).members.some(m => m.id === idB), 10_000)
  assert.equal((await status(a, auth)).admission.revocations, 1)
  // a bad revocation is refused with a clear error
  const bad = await fetch(`${a.api}/admission/revocations`, { method: 'POST', headers: auth, body: 'AAAA' })
  assert.equal(bad.status, 400)

  // a restarts on its data dir: the revocation is still there and b still out
  a.proc.kill('SIGINT')
  await a.exited
  const a2 = await startDaemon(specA)
  daemons.push(a2)
  assert.equal((await status(a2, auth)).admission.revocations, 1)
  await new Promise(resolve => setTimeout(resolve, 2_000))
  assert.equal((await status(a2, auth)).members.some(m => m.id === idB), false)
})

test('the API requires its bearer token when one is set, and refuses to listen off loopback without one', async (t) => {
  const dir = await tempDir('meshkv-cli-admission-')
  const daemons: Daemon[] = []
  t.after(async () => { await stopAll(daemons); await rm(dir, { recursive: true, force: true }) })
  const tokenFile = join(dir, 'token')
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 })
  const d = await startDaemon({ dir, cluster: 'tok', config: { n: 1, r: 1, w: 1, apiTokenFile: tokenFile }, token: TOKEN })
  daemons.push(d)
  assert.match(d.logs(), /open cluster: any peer/)
  const none = await fetch(`${d.api}/status`)
  assert.equal(none.status, 401)
  assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="meshkv"')
  assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'ERR_UNAUTHORIZED')
  assert.equal((await fetch(`${d.api}/kv/k`, { method: 'PUT', body: 'v', headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401)
  assert.equal((await fetch(`${d.api}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200)
  const put = await run(['put', 'k', 'v', '--api', d.api, '--api-token-file', tokenFile])
  assert.equal(put.code, 0, put.stderr)
  const get = await run(['get', 'k', '--api', d.api], undefined, { MESHKV_API_TOKEN: TOKEN })
  assert.equal(get.stdout, 'v')
  const denied = await run(['get', 'k', '--api', d.api], undefined, { MESHKV_API_TOKEN: '' })
  assert.equal(denied.code, 5)
  assert.match(denied.stderr, /requires a bearer token.*ERR_UNAUTHORIZED.*--api-token/)
  assert.equal((await fetch(`${d.api}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200)
  const st = await run(['status', '--api', d.api, '--api-token', TOKEN])
  assert.match(st.stdout, /admission open/)

  // 0.0.0.0 without a token: no start, and the error says what to set
  const open = await cli(['daemon', '--data', join(dir, 'other'), '--api', `0.0.0.0:${await freePort()}`, '--listen', '/ip4/127.0.0.1/tcp/0'])
  assert.equal(open.code, 2)
  assert.match(open.stderr, /not loopback.*set apiToken or apiTokenFile/)
  const short = await cli(['daemon', '--data', join(dir, 'other'), '--config', await config(dir, { apiToken: 'short' })])
  assert.equal(short.code, 2)
  assert.match(short.stderr, /apiToken: must be a token of 16 to 256 printable characters/)
  assert.doesNotMatch(short.stderr, /"short"/)
})

async function config (dir: string, body: Record<string, unknown>): Promise<string> {
  const file = join(dir, 'extra.json')
  await writeFile(file, JSON.stringify(body))
  return file
}
