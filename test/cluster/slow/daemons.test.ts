/**
 * Daemon processes driven through the CLI, as an operator would: 3 and 5
 * peers, one SIGKILLed and restarted on its data dir, siblings and their
 * resolution. Slow (process start-up): skipped with MESHKV_SKIP_SLOW=1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { apiPortOf, cli, startDaemon, stopAll, tcpPortOf } from '../../fixtures/daemon.js'
import type { Daemon } from '../../fixtures/daemon.js'

async function membersUp (d: Daemon): Promise<number> {
  const res = await cli(['status', '--json', '--api', d.api])
  if (res.code !== 0) return -1
  return (JSON.parse(res.stdout).members as Array<{ state: string }>).filter(m => m.state === 'up').length
}

for (const size of [3, 5]) {
  describe(`${size} daemons through the CLI (N=3 R=2 W=2)`, () => {
    const daemons: Daemon[] = []
    const dirs: string[] = []
    before(async () => {
      for (let i = 0; i < size; i++) {
        const dir = await tempDir('meshkv-daemon-')
        dirs.push(dir)
        daemons.push(await startDaemon({
          dir,
          cluster: `dtest${size}`,
          bootstrap: daemons.length > 0 ? [daemons[0].multiaddrs[0]] : [],
          config: { n: 3, r: 2, w: 2 }
        }))
      }
      await waitFor('all daemons see every member', async () =>
        (await Promise.all(daemons.map(membersUp))).every(n => n === size), 30_000, 250)
    })
    after(async () => {
      await stopAll(daemons)
      await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
    })

    test('status --json gives the peer id, dialable multiaddrs and members', async () => {
      const res = await cli(['status', '--json', '--api', daemons[0].api])
      assert.equal(res.code, 0, res.stderr)
      const status = JSON.parse(res.stdout)
      assert.equal(status.peerId, daemons[0].peerId)
      assert.ok(status.multiaddrs.every((a: string) => a.endsWith(`/p2p/${status.peerId}`)))
      assert.equal(status.members.length, size)
    })

    test('put through one daemon, get through each other; SIGKILL one, go on, restart it and read', async () => {
      for (let i = 0; i < 10; i++) {
        const put = await cli(['put', `key-${i}`, `value-${i}`, '--api', daemons[i % size].api])
        assert.equal(put.code, 0, put.stderr)
      }
      const viaStdin = await cli(['put', 'from-stdin', '--api', daemons[0].api], 'piped\nbytes')
      assert.equal(viaStdin.code, 0, viaStdin.stderr)
      for (const d of daemons) {
        for (let i = 0; i < 10; i++) {
          const got = await cli(['get', `key-${i}`, '--api', d.api])
          assert.equal(got.code, 0, got.stderr)
          assert.equal(got.stdout, `value-${i}`)
        }
        assert.equal((await cli(['get', 'from-stdin', '--api', d.api])).stdout, 'piped\nbytes')
      }
      const missing = await cli(['get', 'no-such-key', '--api', daemons[0].api])
      assert.equal(missing.code, 1)

      const victim = daemons[1]
      victim.proc.kill('SIGKILL')
      await victim.exited
      const live = daemons.filter(d => d !== victim)
      for (let i = 0; i < 10; i++) {
        const put = await cli(['put', `during-${i}`, `d${i}`, '--api', live[i % live.length].api])
        assert.equal(put.code, 0, put.stderr)
        const got = await cli(['get', `key-${i}`, '--api', live[(i + 1) % live.length].api])
        assert.equal(got.stdout, `value-${i}`)
      }
      const del = await cli(['del', 'key-0', '--api', live[0].api])
      assert.equal(del.code, 0, del.stderr)
      assert.equal((await cli(['get', 'key-0', '--api', live[1].api])).code, 1)

      const back = await startDaemon({
        dir: victim.dir,
        cluster: `dtest${size}`,
        bootstrap: [live[0].multiaddrs[0]],
        config: { n: 3, r: 2, w: 2 },
        apiPort: apiPortOf(victim),
        tcpPort: tcpPortOf(victim)
      })
      daemons[1] = back
      assert.equal(back.peerId, victim.peerId)
      await waitFor('the restarted daemon sees everyone', async () => await membersUp(back) === size, 30_000, 250)
      for (let i = 1; i < 10; i++) {
        assert.equal((await cli(['get', `key-${i}`, '--api', back.api])).stdout, `value-${i}`)
        assert.equal((await cli(['get', `during-${i}`, '--api', back.api])).stdout, `d${i}`)
      }
      assert.equal((await cli(['get', 'key-0', '--api', back.api])).code, 1)
    })

    test('concurrent writes without contexts are siblings; a write with the merged context resolves them', async () => {
      const [a, b, c] = daemons
      const [p1, p2] = await Promise.all([
        cli(['put', 'twin', 'left', '--api', a.api]),
        cli(['put', 'twin', 'right', '--api', b.api])
      ])
      assert.equal(p1.code, 0, p1.stderr)
      assert.equal(p2.code, 0, p2.stderr)
      const got = await cli(['get', 'twin', '--json', '--api', c.api])
      assert.equal(got.code, 0, got.stderr)
      const json = JSON.parse(got.stdout)
      const values = (json.values as string[]).map(v => Buffer.from(v, 'base64').toString()).sort()
      assert.deepEqual(values, ['left', 'right'])
      const human = await cli(['get', 'twin', '--api', c.api])
      assert.match(human.stderr, /2 siblings/)
      const resolved = await cli(['put', 'twin', 'both', '--context', json.context, '--api', c.api])
      assert.equal(resolved.code, 0, resolved.stderr)
      for (const d of daemons) assert.equal((await cli(['get', 'twin', '--api', d.api])).stdout, 'both')
    })
  })
}
