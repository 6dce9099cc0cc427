/**
 * No peer is special: each member in turn restarts on a NEW port with a
 * bootstrap list naming only a member that is down at that moment, and the
 * cluster finds it again with no operator action (it remembers the members
 * it last saw; the DHT and the gossiped announcements carry its new
 * address to the others). Then the down member comes back on a new port
 * with no bootstrap list at all. Times are printed for the closing note.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { Peers, seeUp, uniqueCluster, waitFor } from './helpers.js'
import type { MeshNode } from '../../src/node.js'

const peers = new Peers()
after(async () => { await peers.stop() })

/** whether `node` sees `id` up at an address on `port` */
function seesAt (node: MeshNode, id: string, port: string): boolean {
  const m = node.members().find(x => x.id === id)
  return m?.state === 'up' && m.addrs.some(a => a.includes(`/tcp/${port}`))
}

const portOf = (node: MeshNode): string => /\/tcp\/(\d+)/.exec(node.multiaddrs()[0])?.[1] ?? ''

test('each member restarted on a new port, its bootstrap peer down, is found again by the others', async () => {
  const cluster = uniqueCluster('restart')
  const first = await peers.start({ cluster })
  const live: MeshNode[] = [first, await peers.start({ cluster, bootstrap: [first.multiaddrs()[0]] }), await peers.start({ cluster, bootstrap: [first.multiaddrs()[0]] })]
  const dirs = [...peers.dirs]
  const ids = live.map(n => n.peerId)
  await seeUp(live, ids)
  // remembered members are saved at most every 5 s
  await waitFor('every member remembers the others', () => live.every(n => (n.status().discovery?.remembered ?? 0) === 2), 15_000)
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const x = i
    const y = (i + 1) % 3
    const z = (i + 2) % 3
    const deadAddr = live[y].multiaddrs()[0]
    const oldPort = portOf(live[x])
    await live[x].stop({ announce: false })
    await live[y].stop({ announce: false })
    const started = Date.now()
    live[x] = await peers.start({ cluster, bootstrap: [deadAddr] }, dirs[x])
    const newPort = portOf(live[x])
    assert.notEqual(newPort, oldPort)
    await waitFor(`peer ${x} found again at its new port by peer ${z}`, () => seesAt(live[z], ids[x], newPort) && live[x].members().find(m => m.id === ids[z])?.state === 'up', 20_000)
    times.push(Date.now() - started)
    // the down one comes back on a new port knowing nobody but what its data dir remembers
    live[y] = await peers.start({ cluster }, dirs[y])
    await seeUp(live, ids)
  }
  console.log(`# restarted on a new port, bootstrap peer down: found again in ${times.join(', ')} ms`)
})
