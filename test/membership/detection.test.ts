/**
 * Failure detection decided locally from phi over direct pings, spread as
 * state changes: a crash is seen by every peer (through suspect), a
 * wall-clock step neither marks the living down nor keeps the dead up, and a
 * peer reported suspect while alive refutes it. Real peers on 127.0.0.1.
 */
import { afterEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { membershipTopic } from '../../src/constants.js'
import { MembershipMessage, ReportedState } from '../../src/membership/pb/heartbeat.js'
import { startCluster, waitFor } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'

let cluster: TestCluster | undefined
afterEach(async () => { await cluster?.stop(); cluster = undefined })

const stateOf = (n: MeshNode, id: string): string | undefined => n.members().find(m => m.id === id)?.state

/** Every state `watcher` gives `id` until stopped (polled every 20 ms). */
function record (watcher: MeshNode, id: string): { states: Set<string>, stop: () => void } {
  const states = new Set<string>()
  const t = setInterval(() => { const s = stateOf(watcher, id); if (s !== undefined) states.add(s) }, 20)
  return { states, stop: () => { clearInterval(t) } }
}

test('a crash is suspected by a watcher, then seen down by every peer; status shows phi and ring shares', async () => {
  cluster = await startCluster(4)
  await cluster.converged()
  const status = cluster.nodes[0].status()
  assert.ok(status.members.some(m => typeof m.phi === 'number'), 'watched members have a phi')
  const shares = status.members.map(m => m.share ?? 0)
  assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 0.01, `ring shares sum to 1: ${shares.join(' ')}`)
  const victim = cluster.nodes[3]
  const id = victim.peerId
  const seen = cluster.nodes.slice(0, 3).map(n => record(n, id))
  await victim.stop({ announce: false })
  await waitFor('every peer sees the crashed peer down', () => cluster!.nodes.slice(0, 3).every(n => stateOf(n, id) === 'down'))
  seen.forEach(s => { s.stop() })
  assert.ok(seen.some(s => s.states.has('suspect')), 'it went through suspect first')
})

test('a wall-clock step forward marks nobody down; a step back does not keep a crashed peer up', async () => {
  cluster = await startCluster(3)
  await cluster.converged()
  const realNow = Date.now
  const watch = cluster.nodes.map(n => record(n, cluster!.nodes[(cluster!.nodes.indexOf(n) + 1) % 3].peerId))
  try {
    Date.now = () => realNow() + 60_000
    await new Promise(resolve => setTimeout(resolve, 2500))
  } finally {
    Date.now = realNow
  }
  watch.forEach(w => { w.stop() })
  assert.ok(watch.every(w => w.states.size === 1 && w.states.has('up')), `states seen: ${watch.map(w => [...w.states].join(',')).join(' | ')}`)
  try {
    Date.now = () => realNow() - 60_000
    const victim = cluster.nodes[2]
    await victim.stop({ announce: false })
    await waitFor('the crashed peer is down for the others', () => cluster!.nodes.slice(0, 2).every(n => stateOf(n, victim.peerId) === 'down'))
  } finally {
    Date.now = realNow
  }
})

test('a peer reported suspect while alive refutes it with a newer announcement and stays up', async () => {
  cluster = await startCluster(3)
  await cluster.converged()
  const [accuser, accused, third] = cluster.nodes
  const known = third.members().find(m => m.id === accused.peerId)
  assert.ok(known !== undefined)
  const watch = record(third, accused.peerId)
  const report = MembershipMessage.encode({ report: { subject: accused.peerId, incarnation: known.incarnation, seq: known.seq, state: ReportedState.SUSPECT } })
  await accuser.libp2p.services.pubsub.publish(membershipTopic('test'), report)
  await waitFor('the accused refutes: a newer sequence, up for the others', () =>
    (third.members().find(m => m.id === accused.peerId)?.seq ?? 0) > known.seq && stateOf(third, accused.peerId) === 'up')
  await new Promise(resolve => setTimeout(resolve, 2500))
  watch.stop()
  assert.ok(!watch.states.has('down'), `never down: ${[...watch.states].join(',')}`)
  assert.equal(stateOf(third, accused.peerId), 'up')
})

test('peers whose own event loop stalls accuse nobody, then ask for more evidence for a while (local health)', async () => {
  cluster = await startCluster(3)
  await cluster.converged()
  const nodes = cluster.nodes
  const watch = nodes.flatMap(n => nodes.filter(o => o !== n).map(o => record(n, o.peerId)))
  // every peer lives in this process: a busy loop stalls them all, as a GC pause or a starved machine would one
  const until = performance.now() + 3000
  while (performance.now() < until) { /* stall */ }
  // the first tick after the stall runs late: each peer counts it against itself (one healthy period takes it off again)
  await new Promise(resolve => setTimeout(resolve, 50))
  const health = nodes.map(n => n.status().probes.localHealth)
  await new Promise(resolve => setTimeout(resolve, 2500))
  watch.forEach(w => { w.stop() })
  assert.ok(watch.every(w => !w.states.has('suspect') && !w.states.has('down')), `states seen: ${watch.map(w => [...w.states].join(',')).join(' | ')}`)
  assert.ok(health.every(h => h > 0), `a stalled peer counts it against its own health: ${health.join(' ')}`)
})
