/**
 * Issue 9, "How it is checked" (1): SIGKILL one of five peers under a
 * steady write load, restart it later on its data dir; the replicas of
 * every key converge without any client read (hinted handoff and
 * anti-entropy, not read repair), and the history checker finds no lost
 * write and no resurrected delete.
 *
 * Daemon processes on 127.0.0.1, N=3 R=2 W=2. Four clients write through
 * the four peers that stay up (puts with the context of their last write,
 * some deletes, some reads), ~5 s before the kill, ~8 s while the peer is
 * down, ~4 s after it is back, each phase on keys of its own (so no write
 * after the restart repairs a key written while the peer was down). Bound on convergence after the load stops:
 * 60 s. Skipped with MESHKV_SKIP_SLOW=1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { tempDir } from '../../fixtures/cluster.js'
import { apiPortOf, startDaemon, stopAll, tcpPortOf } from '../../fixtures/daemon.js'
import { alive, startLoad, waitNotUp, waitUp } from '../../fixtures/faults.js'
import { assertHistory, describeReport, History } from '../../fixtures/history.js'
import { daemonProbe, HttpHistoryClient } from '../../fixtures/history-client.js'
import type { Daemon, DaemonSpec } from '../../fixtures/daemon.js'

const CONFIG = { n: 3, r: 2, w: 2 }
const CONVERGE_MS = 60_000
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('fault: SIGKILL one of five peers under load, restart it (N=3 R=2 W=2)', { skip: process.env.MESHKV_SKIP_SLOW === '1' }, () => {
  const daemons: Daemon[] = []
  const specs: DaemonSpec[] = []
  before(async () => {
    for (let i = 0; i < 5; i++) {
      const spec: DaemonSpec = { dir: await tempDir('meshkv-kill-'), cluster: 'fault-kill', bootstrap: daemons.length > 0 ? [daemons[0].multiaddrs[0]] : [], config: CONFIG }
      specs.push(spec)
      daemons.push(await startDaemon(spec))
    }
    await waitUp(daemons, 5)
  })
  after(async () => {
    await stopAll(daemons)
    await Promise.all(specs.map(async s => { await rm(s.dir, { recursive: true, force: true }) }))
  })

  test('no acknowledged write lost, no delete resurrected, replicas agree within 60 s of the restart', async () => {
    const victim = 4
    const history = new History()
    const clients = [0, 1, 2, 3].map(i => new HttpHistoryClient(history, `c${i}`, () => daemons[i].api, { timeoutMs: 3000 }))
    // one key space per phase: keys written while the victim is down are
    // never written or read after it is back, so only hinted handoff and
    // anti-entropy can bring them to it
    const phase = (prefix: string): ReturnType<typeof startLoad> =>
      startLoad(clients, { prefix, keysPerClient: 40, deleteEvery: 9, readEvery: 7, pauseMs: 15 })
    let load = phase('before')
    try {
      await sleep(5000)
      await load.stop()
      load = phase('down')
      daemons[victim].proc.kill('SIGKILL')
      await daemons[victim].exited
      await waitNotUp(daemons.filter(alive), [daemons[victim].peerId])
      await sleep(8000)
      await load.stop()
      load = phase('after')
      const restarted = await startDaemon({ ...specs[victim], apiPort: apiPortOf(daemons[victim]), tcpPort: tcpPortOf(daemons[victim]), bootstrap: [daemons[0].multiaddrs[0]] })
      daemons[victim] = restarted
      await waitUp(daemons, 5)
      await sleep(4000)
    } finally {
      await load.stop()
    }
    // W=2 of 3 with one peer down: every write is acknowledged, none refused
    const failed = history.writes().filter(w => w.outcome === 'failed')
    assert.deepEqual(failed.map(w => `${w.key} ${w.note ?? ''}`), [], 'no write refused')
    const report = await assertHistory(history, daemonProbe(() => new Map(daemons.map(d => [d.peerId, d.api]))), { convergeWithinMs: CONVERGE_MS })
    console.log(describeReport(report, CONVERGE_MS))
    assert.ok(history.count('put', 'ok') > 100, `a real load: ${history.count('put', 'ok')} puts acknowledged`)
  })
})
