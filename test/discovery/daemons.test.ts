/**
 * Discovery through the daemon's config and flags: three daemons with no
 * bootstrap list find each other by mDNS (config `mdns: true`); one killed
 * and restarted on a new port with --no-mdns and a bootstrap list naming a
 * dead address is found again through what its data dir remembers; a
 * daemon with --no-mdns and nobody to ask stays alone.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir, waitFor } from '../fixtures/cluster.js'
import { freePort, startDaemon, stopAll } from '../fixtures/daemon.js'
import { uniqueCluster } from './helpers.js'
import type { Daemon } from '../fixtures/daemon.js'

const daemons: Daemon[] = []
let dir: string | undefined
after(async () => {
  await stopAll(daemons)
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

interface Status { peerId: string, members: Array<{ id: string, state: string, addrs: string[] }>, discovery?: { mdns: boolean, remembered: number } }
async function status (d: Daemon): Promise<Status> {
  return await (await fetch(`${d.api}/status`, { signal: AbortSignal.timeout(2000) })).json() as Status
}
async function upIds (d: Daemon): Promise<string[]> {
  return (await status(d)).members.filter(m => m.state === 'up').map(m => m.id).sort()
}

test('daemons find each other by mDNS, a restarted one on a new port is found again, --no-mdns stays alone', async () => {
  dir = await tempDir('meshkv-discovery-daemons-')
  const cluster = uniqueCluster('daemons')
  const spec = (i: number): { dir: string, cluster: string, config: Record<string, unknown> } => ({ dir: join(dir!, `d${i}`), cluster, config: { mdns: true } })
  for (let i = 0; i < 4; i++) await mkdir(join(dir, `d${i}`))
  for (let i = 0; i < 3; i++) daemons.push(await startDaemon(spec(i)))
  const ids = daemons.map(d => d.peerId).sort()
  await waitFor('3 daemons see each other up', async () => (await Promise.all(daemons.map(upIds))).every(u => u.join() === ids.join()), 25_000, 250)
  await waitFor('each remembers the other two', async () => (await Promise.all(daemons.map(status))).every(s => s.discovery?.remembered === 2), 15_000, 250)
  // kill one; it comes back on a new port, no mDNS, its one bootstrap address dead
  const victim = daemons[2]
  victim.proc.kill('SIGKILL')
  await victim.exited
  const started = Date.now()
  const back = await startDaemon({ ...spec(2), tcpPort: await freePort(), bootstrap: [`/ip4/127.0.0.1/tcp/${await freePort()}`], args: ['--no-mdns'] })
  daemons[2] = back
  const newPort = /\/tcp\/(\d+)/.exec(back.multiaddrs[0])?.[1]
  await waitFor('the restarted daemon up at its new port on the others', async () => (await Promise.all(daemons.slice(0, 2).map(status))).every(s =>
    s.members.some(m => m.id === back.peerId && m.state === 'up' && m.addrs.some(a => a.includes(`/tcp/${newPort}`)))), 20_000, 100)
  console.log(`# a daemon restarted on a new port (bootstrap dead, no mDNS) was found again in ${Date.now() - started} ms`)
  assert.equal((await status(back)).discovery?.mdns, false)
  // a fourth of the same cluster, --no-mdns and no bootstrap: nobody to find
  const lone = await startDaemon({ dir: join(dir, 'd3'), cluster, args: ['--no-mdns'] })
  daemons.push(lone)
  await new Promise(resolve => setTimeout(resolve, 3000))
  assert.deepEqual(await upIds(lone), [lone.peerId])
  for (const d of daemons.slice(0, 3)) assert.ok(!(await upIds(d)).includes(lone.peerId))
})
