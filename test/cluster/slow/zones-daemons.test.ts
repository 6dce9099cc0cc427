/**
 * Zones with daemon processes, as an operator would run them: six daemons in
 * three zones (N=3 R=2 W=2), each zone set in its config file. Every key's
 * replicas sit in three distinct zones, so SIGKILLing both daemons of one
 * zone loses no key and leaves every key readable at R=2 through the
 * survivors, before and after the loss is noticed. Slow (process start-up):
 * skipped with MESHKV_SKIP_SLOW=1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir, waitFor } from '../../fixtures/cluster.js'
import { startDaemon, stopAll } from '../../fixtures/daemon.js'
import type { Daemon } from '../../fixtures/daemon.js'

const KEYS = 60
const zoneOf = (i: number): string => `zone-${i % 3}`

interface StatusMember { id: string, state: string, zone?: string }

async function members (d: Daemon): Promise<StatusMember[]> {
  try {
    const res = await fetch(`${d.api}/status`, { signal: AbortSignal.timeout(2000) })
    return res.ok ? (await res.json() as { members: StatusMember[] }).members : []
  } catch { return [] }
}

describe('six daemons in three zones (N=3 R=2 W=2)', () => {
  const daemons: Daemon[] = []
  const dirs: string[] = []
  before(async () => {
    for (let i = 0; i < 6; i++) {
      const dir = await tempDir('meshkv-zones-')
      dirs.push(dir)
      daemons.push(await startDaemon({
        dir,
        cluster: 'zones',
        bootstrap: daemons.length > 0 ? [daemons[0].multiaddrs[0]] : [],
        config: { n: 3, r: 2, w: 2, zone: zoneOf(i) }
      }))
    }
    await waitFor('every daemon sees six members up, with their zones', async () =>
      (await Promise.all(daemons.map(members))).every(ms => ms.filter(m => m.state === 'up' && m.zone !== undefined).length === 6), 60_000, 250)
  })
  after(async () => {
    await stopAll(daemons)
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  test('status names each member\'s zone', async () => {
    const ms = await members(daemons[0])
    for (const [i, d] of daemons.entries()) assert.equal(ms.find(m => m.id === d.peerId)?.zone, zoneOf(i))
  })

  test('SIGKILL both daemons of one zone: every key still reads at R=2 through the survivors', async () => {
    for (let i = 0; i < KEYS; i++) {
      // w=3: every replica holds the key before the zone goes, so what is
      // tested is where the replicas are, not a write still in flight
      const res = await fetch(`${daemons[i % 6].api}/kv/zk${i}?w=3`, { method: 'PUT', body: `v${i}` })
      assert.equal(res.status, 200, await res.text())
    }
    const dead = daemons.filter((_, i) => zoneOf(i) === 'zone-2')
    for (const d of dead) d.proc.kill('SIGKILL')
    await Promise.all(dead.map(async d => d.exited))
    const live = daemons.filter(d => !dead.includes(d))

    const readAll = async (when: string): Promise<void> => {
      for (let i = 0; i < KEYS; i++) {
        const via = live[i % live.length]
        const res = await fetch(`${via.api}/kv/zk${i}?r=2`)
        assert.equal(res.status, 200, `${when}: zk${i} via ${via.peerId}: ${res.status} ${await res.clone().text()}`)
        assert.equal(await res.text(), `v${i}`, `${when}: zk${i}`)
      }
    }
    await readAll('before the loss is noticed')
    await waitFor('the survivors see the dead zone down', async () =>
      (await Promise.all(live.map(members))).every(ms => dead.every(d => ms.find(m => m.id === d.peerId)?.state === 'down')), 30_000, 250)
    await readAll('after the dead zone is seen down')
  })
})
