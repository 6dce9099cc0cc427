/**
 * Issue 7, item 2: a replica that lost the end of its log (here: its data
 * dir put back from a copy) must not mint a dot it already minted, or the
 * acknowledged value under that dot is silently replaced. The steps are the
 * issue's, through the CLI against daemon processes. Slow (process start-up):
 * skipped with MESHKV_SKIP_SLOW=1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { cp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { apiPortOf, cli, startDaemon, stopAll, tcpPortOf } from '../../fixtures/daemon.js'
import type { Daemon, DaemonSpec } from '../../fixtures/daemon.js'

const CLUSTER = 'restored'
const CONFIG = { n: 3, r: 2, w: 2 }

async function membersUp (d: Daemon): Promise<number> {
  const res = await cli(['status', '--json', '--api', d.api])
  if (res.code !== 0) return -1
  return (JSON.parse(res.stdout).members as Array<{ state: string }>).filter(m => m.state === 'up').length
}

describe('a replica restarted on an old copy of its data dir (3 peers, N=3 W=2)', { skip: process.env.MESHKV_SKIP_SLOW === '1' }, () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  before(async () => {
    for (let i = 0; i < 3; i++) {
      const dir = await tempDir('meshkv-restored-')
      dirs.push(dir)
      daemons.push(await startDaemon({ dir, cluster: CLUSTER, bootstrap: daemons.length > 0 ? [daemons[0].multiaddrs[0]] : [], config: CONFIG }))
    }
    await waitFor('all daemons see every member', async () => (await Promise.all(daemons.map(membersUp))).every(n => n === 3), 30_000, 250)
  })
  after(async () => {
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  async function restartA (): Promise<Daemon> {
    const old = daemons[0]
    const spec: DaemonSpec = { dir: old.dir, cluster: CLUSTER, bootstrap: [daemons[1].multiaddrs[0]], config: CONFIG, apiPort: apiPortOf(old), tcpPort: tcpPortOf(old) }
    const back = await startDaemon(spec)
    daemons[0] = back
    await waitFor('the restarted daemon sees everyone', async () => await membersUp(back) === 3, 30_000, 250)
    await waitFor('the others see it up again', async () => (await Promise.all(daemons.slice(1).map(membersUp))).every(n => n === 3), 30_000, 250)
    return back
  }

  test('a read at R=3 shows both the acknowledged value and the new one', async () => {
    let a = daemons[0]
    const first = await cli(['put', 'r', 'first', '--api', a.api])
    assert.equal(first.code, 0, first.stderr)

    // stop a cleanly and copy its data dir
    a.proc.kill('SIGTERM')
    assert.equal(await a.exited, 0)
    const backup = join(a.dir, 'data-backup')
    await cp(join(a.dir, 'data'), backup, { recursive: true })

    // start it, read r and put r with that context through a
    a = await restartA()
    const read = await cli(['get', 'r', '--json', '--api', a.api])
    assert.equal(read.code, 0, read.stderr)
    const acked = await cli(['put', 'r', 'acknowledged', '--context', JSON.parse(read.stdout).context, '--json', '--api', a.api])
    assert.equal(acked.code, 0, acked.stderr)
    assert.ok(JSON.parse(acked.stdout).acked.length >= 2)

    // kill a and put the old copy back
    a.proc.kill('SIGKILL')
    await a.exited
    await rm(join(a.dir, 'data'), { recursive: true, force: true })
    await cp(backup, join(a.dir, 'data'), { recursive: true })

    // start a and put r blind through a
    a = await restartA()
    const blind = await cli(['put', 'r', 'new', '--api', a.api])
    assert.equal(blind.code, 0, blind.stderr)

    for (const d of daemons) {
      const got = await cli(['get', 'r', '--r', '3', '--json', '--api', d.api])
      assert.equal(got.code, 0, got.stderr)
      const values = (JSON.parse(got.stdout).values as string[]).map(v => Buffer.from(v, 'base64').toString()).sort()
      assert.deepEqual(values, ['acknowledged', 'new'], `read through ${d.api}`)
    }
  })
})
