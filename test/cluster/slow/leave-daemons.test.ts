/**
 * Join and leave with daemons, through the CLI: 3 daemons take writes, a
 * 4th joins (and is up only once it pulled its ranges), then two of the
 * original ones leave with `meshkv leave`, one after the other: each
 * prints its progress, exits 0, and every key still reads at R=2 through
 * the peers that stay. Slow (process start-up): skipped with
 * MESHKV_SKIP_SLOW=1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { cli, startDaemon, stopAll } from '../../fixtures/daemon.js'
import type { Daemon } from '../../fixtures/daemon.js'

const KEYS = 60
const skip = process.env.MESHKV_SKIP_SLOW === '1'

async function status (d: Daemon): Promise<{ ringSize: number, members: Array<{ state: string, self?: boolean }>, transfer?: { state: string } } | undefined> {
  try {
    const res = await fetch(`${d.api}/status`, { signal: AbortSignal.timeout(2_000) })
    return res.ok ? await res.json() as Awaited<ReturnType<typeof status>> : undefined
  } catch {
    return undefined
  }
}

async function unreadable (d: Daemon, r = 2): Promise<string[]> {
  const missing: string[] = []
  for (let i = 0; i < KEYS; i++) {
    const res = await fetch(`${d.api}/kv/key-${i}?r=${r}`)
    const body = await res.text()
    if (res.status !== 200 || body !== `value-${i}`) missing.push(`key-${i}: ${res.status}`)
  }
  return missing
}

describe('daemons join with range transfer and leave with `meshkv leave`', { skip }, () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  const start = async (): Promise<Daemon> => {
    const dir = await tempDir('meshkv-leave-')
    dirs.push(dir)
    const d = await startDaemon({ dir, cluster: 'leavetest', bootstrap: daemons.length > 0 ? [daemons[0].multiaddrs[0]] : [], config: { n: 3, r: 2, w: 2 } })
    daemons.push(d)
    return d
  }
  before(async () => {
    for (let i = 0; i < 3; i++) await start()
    await waitFor('3 daemons up everywhere', async () =>
      (await Promise.all(daemons.map(status))).every(s => s?.members.filter(m => m.state === 'up').length === 3), 30_000, 250)
  })
  after(async () => {
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  test('a 4th joins, then two originals leave; every key reads at R=2 throughout', async () => {
    for (let i = 0; i < KEYS; i++) {
      const res = await fetch(`${daemons[i % 3].api}/kv/key-${i}?w=3`, { method: 'PUT', body: `value-${i}` })
      assert.equal(res.status, 200, await res.text())
    }
    const joiner = await start()
    await waitFor('the joiner is up', async () => (await status(joiner))?.transfer?.state === 'up', 30_000, 200)
    assert.deepEqual(await unreadable(joiner), [])
    assert.match(joiner.logs(), /joined: ranges pulled, up/)
    for (const leaver of [daemons[1], daemons[2]]) {
      const res = await cli(['leave', '--api', leaver.api])
      assert.equal(res.code, 0, res.stderr + res.stdout)
      assert.match(res.stdout, /^left: pushed \d+ of \d+ keys$/m)
      assert.equal(await leaver.exited, 0, leaver.logs())
      const stay = daemons.filter(d => d.proc.exitCode === null)
      await waitFor('the others took the leaver out of their rings', async () =>
        (await Promise.all(stay.map(status))).every(s => s?.ringSize === stay.length), 15_000, 200)
      for (const d of stay) assert.deepEqual(await unreadable(d), [])
    }
    const gone = await cli(['leave', '--api', daemons[1].api])
    assert.equal(gone.code, 3, 'a daemon that left is unreachable')
    // SIGTERM leaves too (bounded), then stops
    joiner.proc.kill('SIGTERM')
    assert.equal(await joiner.exited, 0, joiner.logs())
    assert.match(joiner.logs(), /left: keys pushed to their new owners/)
    // the last peer standing holds every key
    assert.deepEqual(await unreadable(daemons[0], 1), [])
  })
})
