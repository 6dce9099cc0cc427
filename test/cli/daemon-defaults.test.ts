/**
 * `meshkv daemon` with no config at all is a cluster peer (3/2/2), not the
 * lone-peer default (configs/single.json, `npm start`): status says so, and
 * alone it refuses writes saying why.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { BIN, cli, freePort } from '../fixtures/daemon.js'

let dir: string | undefined
let stop: (() => void) | undefined
after(async () => {
  stop?.()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

test('no config: n=3 r=2 w=2 in status, and a lone peer\'s write fails saying why', async () => {
  dir = await tempDir('meshkv-defaults-')
  const api = `127.0.0.1:${await freePort()}`
  const proc = spawn(process.execPath, [BIN, 'daemon', '--data', join(dir, 'data'), '--api', api, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let logs = ''
  proc.stdout.on('data', (d: Buffer) => { logs += d.toString() })
  proc.stderr.on('data', (d: Buffer) => { logs += d.toString() })
  stop = () => { proc.kill('SIGKILL') }
  await waitFor('the daemon\'s API', async () => {
    if (proc.exitCode !== null) throw new Error(`daemon exited ${proc.exitCode}: ${logs}`)
    return (await cli(['status', '--json', '--api', api])).code === 0
  }, 20_000, 200)
  const status = JSON.parse((await cli(['status', '--json', '--api', api])).stdout)
  assert.deepEqual(status.quorums, { n: 3, r: 2, w: 2 })
  const human = await cli(['status', '--api', api])
  assert.match(human.stdout, /^quorums +n=3 r=2 w=2 /m)
  assert.match(human.stdout, new RegExp(`^  ${status.peerId} +up +self  inc 1  share 100\\.0%  capacity 1`, 'm'), human.stdout)
  assert.equal(status.members[0].incarnation, 1)
  assert.equal(status.members[0].share, 1)
  assert.match(logs, /n=3 with no bootstrap peers: writes need w=2 peers up and fail with QuorumNotMet until others join; for a lone peer use configs\/single.json/)
  const put = await cli(['put', 'k', 'v', '--api', api])
  assert.equal(put.code, 4, put.stderr)
  assert.match(put.stderr, /quorum not met: 0 of 2 required replies, only 1 live replica: fewer peers are up than the quorum needs/)
})
