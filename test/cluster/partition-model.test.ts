/**
 * An in-process model of the 2|3 partition fault test
 * (test/cluster/slow/fault-partition.test.ts), for random histories: five
 * peers (N=3 R=2 W=2), split 2|3 by their connection gaters (a dial across
 * the split is refused after some silence, as a dropped link times out;
 * the connections across it are closed), so each side sees the other
 * suspect, then down. Clients on both sides write (puts with the context
 * their last write returned, deletes, reads) from the moment of the split,
 * through the undecided seconds, and again once each side sees the other
 * down; then the split heals.
 *
 * Checked with the history checker (test/fixtures/history.ts): the
 * replicas of every key agree within CONVERGE_MS of the heal with every
 * hint handed over and no periodic anti-entropy (its period is past the
 * test), and nothing acknowledged is lost, resurrected or reappears. The
 * CI failure this models: an owner missed a write no hint covered (the
 * small side has fewer stand-ins than owners), left to a periodic exchange.
 *
 * fast-check draws the small side, the keys written before the split and
 * each client's operations; a few runs on one cluster, each with its own
 * keys.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { peerIdFromString } from '@libp2p/peer-id'
import { startCluster, waitFor, bytes, text } from '../fixtures/cluster.js'
import { checkHistory, describeReport, History } from '../fixtures/history.js'
import { nodeProbe } from '../fixtures/history-client.js'
import type { TestCluster } from '../fixtures/cluster.js'
import type { MeshNode } from '../../src/node.js'
import type { Outcome } from '../fixtures/history.js'
import type { Shown } from '../fixtures/history-client.js'

const CONVERGE_MS = 20_000
/** how long a dial across the split hangs before it is refused (a dropped link) */
const SILENT_MS = 5_000
const RUNS = 2
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

interface Gater { denyDialPeer?: (peer: { toString: () => string }) => Promise<boolean>, denyInboundEncryptedConnection?: (peer: { toString: () => string }) => Promise<boolean>, denyOutboundEncryptedConnection?: (peer: { toString: () => string }) => Promise<boolean> }

/** the node's connection gater (libp2p's components hold the object its dials and upgrades consult) */
function gaterOf (node: MeshNode): Gater {
  return (node.libp2p as unknown as { components: { connectionGater: Gater } }).components.connectionGater
}

/** Split the nodes: each side refuses the other's connections (a dial after SILENT_MS), and closes those it has. */
async function partition (sides: MeshNode[][]): Promise<void> {
  for (const side of sides) {
    const others = new Set(sides.filter(s => s !== side).flat().map(n => n.peerId))
    for (const node of side) {
      const gater = gaterOf(node)
      gater.denyDialPeer = async peer => {
        if (!others.has(peer.toString())) return false
        await sleep(SILENT_MS)
        return true
      }
      gater.denyInboundEncryptedConnection = async peer => others.has(peer.toString())
      gater.denyOutboundEncryptedConnection = async peer => others.has(peer.toString())
    }
  }
  await Promise.all(sides.flatMap(side => side.flatMap(node =>
    sides.filter(s => s !== side).flat().map(async other => { await node.libp2p.hangUp(peerIdFromString(other.peerId)).catch(() => {}) }))))
}

/** Heal: the gaters let everyone through again; the peers make their connections again themselves (as a link back up) */
function heal (nodes: MeshNode[]): void {
  for (const node of nodes) {
    const gater = gaterOf(node)
    delete gater.denyDialPeer
    delete gater.denyInboundEncryptedConnection
    delete gater.denyOutboundEncryptedConnection
  }
}

function upCount (node: MeshNode, peers: string[]): number {
  return node.members().filter(m => peers.includes(m.id) && m.state === 'up').length
}

/** A client of one in-process node that records into a History. */
class NodeClient {
  private readonly ctx = new Map<string, Shown>()
  constructor (readonly history: History, readonly name: string, readonly node: MeshNode) {}

  async put (key: string, value: string): Promise<Outcome> {
    const shown = this.ctx.get(key)
    const op = this.history.put(this.name, key, value, shown?.shown)
    return this.write(op, key, async context => this.node.put(key, bytes(value), { context, timeoutMs: 3_000 }))
  }

  async delete (key: string): Promise<Outcome> {
    const shown = this.ctx.get(key)
    const op = this.history.delete(this.name, key, shown?.shown)
    return this.write(op, key, async context => this.node.delete(key, { context, timeoutMs: 3_000 }))
  }

  async get (key: string): Promise<Outcome> {
    const op = this.history.get(this.name, key)
    try {
      const out = await this.node.get(key, { timeoutMs: 3_000 })
      this.history.complete(op, 'ok', { values: out.values.map(text) })
    } catch (err) {
      this.history.complete(op, 'unknown', { note: (err as Error).message })
    }
    return op.outcome
  }

  /** a put's or a delete's outcome; the next write of the key carries the context it returned (blind after an unknown one) */
  private async write (op: Parameters<History['complete']>[0], key: string, run: (context: string | undefined) => Promise<{ context: string, values: Uint8Array[] }>): Promise<Outcome> {
    try {
      const out = await run(this.ctx.get(key)?.context)
      this.history.complete(op, 'ok')
      this.ctx.set(key, { context: out.context, shown: out.values.map(text) })
    } catch (err) {
      this.history.complete(op, 'unknown', { note: (err as Error).message })
      this.ctx.delete(key)
    }
    return op.outcome
  }

  /** start from another client's knowledge of a key (a context read before the split) */
  adopt (key: string, shown: Shown): void {
    this.ctx.set(key, shown)
  }

  known (key: string): Shown | undefined {
    return this.ctx.get(key)
  }
}

interface Step { kind: 'put' | 'delete' | 'get', key: number, pauseMs: number }
interface Scenario {
  /** indexes of the two nodes on the small side */
  small: [number, number]
  /** keys written before the split, whose context both sides then write from */
  shared: number
  /** each node's client's operations, played from the moment of the split and again once it is detected */
  steps: Step[][]
}

const KEYS = 6
const scenario: fc.Arbitrary<Scenario> = fc.record({
  small: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }) as fc.Arbitrary<[number, number]>,
  shared: fc.integer({ min: 1, max: 4 }),
  steps: fc.array(fc.array(fc.record({
    kind: fc.constantFrom<Step['kind']>('put', 'put', 'put', 'delete', 'get'),
    key: fc.integer({ min: 0, max: KEYS - 1 }),
    pauseMs: fc.integer({ min: 0, max: 300 })
  }), { minLength: 4, maxLength: 12 }), { minLength: 5, maxLength: 5 })
})

let cluster: TestCluster
before(async () => {
  // no periodic anti-entropy within the test: convergence is hints and the exchange with a returned peer
  cluster = await startCluster(5, { n: 3, r: 2, w: 2, antiEntropyIntervalMs: 600_000 })
  await cluster.converged(5)
})
after(async () => { await cluster?.stop() })

test('2|3 partition under writes on both sides, then heal: replicas agree within the bound, nothing acknowledged lost', async () => {
  let run = 0
  await fc.assert(fc.asyncProperty(scenario, async s => {
    try {
      await oneRun(run++, s)
    } catch (err) {
      // fast-check's report names the counterexample, not what failed
      console.error(`run ${run - 1} failed: ${(err as Error).message}`)
      throw err
    }
  }), { numRuns: RUNS, endOnFailure: true })
})

async function oneRun (r: number, s: Scenario): Promise<void> {
  {
    const nodes = cluster.nodes
    const history = new History()
    const clients = nodes.map((n, i) => new NodeClient(history, `${s.small.includes(i) ? 'S' : 'L'}${i}`, n))
    const key = (k: number): string => `run${r}-k${k}`
    // keys both sides will write from one context
    for (let k = 0; k < s.shared; k++) {
      assert.equal(await clients[0].put(key(k), `r${r}-init-${k}`), 'ok', 'written before the split')
      for (const c of clients.slice(1)) c.adopt(key(k), clients[0].known(key(k)) as Shown)
    }
    const small = s.small.map(i => nodes[i])
    const large = nodes.filter((_, i) => !s.small.includes(i))
    await partition([small, large])
    const detected = Promise.all([
      waitFor('each side sees the other not up', () =>
        small.every(n => upCount(n, large.map(l => l.peerId)) === 0) && large.every(n => upCount(n, small.map(l => l.peerId)) === 0), 20_000)
    ])
    // from the moment of the split: the first writes meet owners silent and
    // only suspect (hedges, hints for unfilled slots); played again once each
    // side sees the other down (stand-ins, and hints at the coordinator for
    // the owners the small side has no stand-in for)
    const seq = clients.map(() => 0)
    const play = async (): Promise<void> => {
      await Promise.all(clients.map(async (c, i) => {
        for (const step of s.steps[i]) {
          const k = key(step.key)
          if (step.kind === 'put') await c.put(k, `r${r}-${c.name}-${seq[i]++}`)
          else if (step.kind === 'delete') await c.delete(k)
          else await c.get(k)
          await sleep(step.pauseMs)
        }
      }))
    }
    await play()
    await detected
    await play()
    heal(nodes)
    await waitFor('5 members up on every peer after the heal', () => nodes.every(n => upCount(n, nodes.map(x => x.peerId)) === 5), 20_000)
    const probe = {
      ...nodeProbe(() => nodes),
      hintsPending: async () => nodes.reduce((sum, n) => sum + (n.status().hints?.pending ?? 0), 0)
    }
    const report = await checkHistory(history, probe, { convergeWithinMs: CONVERGE_MS, waitForHandoff: true })
    const during = history.writes()
    const unacked = during.filter(o => o.outcome !== 'ok')
    console.log(`run ${r}: small side ${s.small.join(',')}; ${describeReport(report, CONVERGE_MS)}; ${unacked.length} of ${during.length} writes not acknowledged${unacked.length > 0 ? ` (${unacked.slice(0, 5).map(o => `${o.client} ${o.kind} ${o.key}: ${o.note ?? ''}`).join('; ')})` : ''}`)
    assert.equal(report.problems.length, 0, describeReport(report, CONVERGE_MS))
    // sloppy quorum: W=2 from whatever a side reaches, the undecided first seconds included
    assert.equal(unacked.length, 0, `every write during the split acknowledged on its own side: ${unacked.length} of ${during.length} were not`)
  }
}
