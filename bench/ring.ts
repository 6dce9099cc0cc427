/**
 * `ring`: what one machine cannot host, simulated with meshkv's own Ring:
 * balance for 10..1000 peers and 16..512 tokens per capacity unit, random
 * tokens (derived from peer ids) side by side with allocated ones (each
 * joiner evening out the ring as it joins), load against capacity with mixed
 * capacities, the keys that move when a peer joins or leaves against the
 * 1/(n+1) ideal, balance under churn, and ring build time at the token budget.
 */
import { MAX_RING_TOKENS } from '../src/ring/index.js'
import { balance, movement, peerIds, weighted } from './lib/ring-sim.js'
import { allocatedMovement, buildTime, churn, grow, schemeBalance, zoned } from './lib/ring-alloc.js'
import { Progress } from './lib/progress.js'
import { lineChart } from './lib/svg.js'
import { printTable } from './lib/table.js'
import { UsageError } from './lib/bench.js'
import type { Benchmark } from './lib/bench.js'
import type { Balance, Movement, Weighted } from './lib/ring-sim.js'
import type { SchemeBalance, Zoned } from './lib/ring-alloc.js'

const ratio = (x: number | undefined): string | undefined => x?.toFixed(2)
const pct = (x: number): string => `${Number((x * 100).toPrecision(3))}%`

export const ring: Benchmark = {
  name: 'ring',
  summary: 'simulated ring balance (random and allocated tokens), capacity weighting, key movement and build time for 10..1000 peers',
  options: {
    peers: { type: 'string', default: '10,100,1000', help: 'peer counts' },
    tokens: { type: 'string', default: '16,32,64,128,256,512', help: 'tokens per capacity unit (random tokens)' },
    capacities: { type: 'string', default: '1,2,4', help: 'capacities the mixed-capacity ring cycles through' },
    'mixed-peers': { type: 'string', default: '100', help: 'peers in the mixed-capacity ring' },
    'movement-tokens': { type: 'string', default: '128', help: 'tokens per unit for random vs allocated, movement and churn (meshkv default 128)' },
    keys: { type: 'string', default: '100000', help: 'sampled keys for movement' },
    'churn-events': { type: 'string', default: '200', help: 'random joins and leaves on the mixed-capacity allocated ring' },
    zoned: { type: 'string', default: '6:3,30:3,99:3,8:4,40:4,6:2,40:2', help: 'peers:zones rings for replicas held under zone-aware preference lists (N=3)' },
    quick: { type: 'boolean', help: 'fewer sizes and keys (seconds)' }
  },
  async run (args, ctx) {
    const quick = args.bool('quick')
    const peers = quick && !args.has('peers') ? [10, 100] : args.nums('peers', 2, 100_000)
    const tokens = quick && !args.has('tokens') ? [16, 128] : args.nums('tokens', 1, 4096)
    const keys = quick && !args.has('keys') ? 10_000 : args.num('keys', 100, 1e8)
    const capacities = args.nums('capacities', 0.001, 1000)
    const mixedPeers = args.num('mixed-peers', 2, 100_000)
    const mt = args.num('movement-tokens', 1, 4096)
    const churnEvents = quick && !args.has('churn-events') ? 40 : args.num('churn-events', 0, 100_000)
    const top = Math.max(...peers)
    const zonedRings = (quick && !args.has('zoned') ? ['6:3', '8:4'] : args.list('zoned')).map(pair => {
      const [p, z] = pair.split(':').map(Number)
      if (!(Number.isInteger(p) && Number.isInteger(z) && p >= 1 && z >= 1 && p <= 10_000)) throw new UsageError(`--zoned: ${pair} is not peers:zones`)
      return [p, z] as const
    })

    const progress = new Progress('ring', peers.length * tokens.length + tokens.length + peers.length * 6 + top + mixedPeers + 3)
    const balances: Balance[] = []
    // a ring over the cluster-wide token budget cannot be built (its cell prints '-')
    const fits = (n: number, t: number): boolean => n * t <= MAX_RING_TOKENS
    for (const n of peers) for (const t of tokens) { if (fits(n, t)) balances.push(balance(n, t)); progress.tick() }
    const mixedFits = tokens.filter(t => mixedPeers * t * Math.max(...capacities) <= MAX_RING_TOKENS)
    const mixed: Weighted[] = []
    for (const t of mixedFits) { mixed.push(weighted(mixedPeers, t, capacities)); progress.tick() }
    const moves: Movement[] = []
    for (const n of peers) for (const ev of ['join', 'leave'] as const) { moves.push(movement(n, mt, ev, keys)); progress.tick() }

    const grown = grow(peers, mt, [1], () => progress.tick())
    const schemes: SchemeBalance[] = []
    for (const n of peers) {
      schemes.push(schemeBalance('random', peerIds(n).map(id => ({ id, capacity: 1 })), mt))
      schemes.push(schemeBalance('allocated', grown.at.get(n) ?? [], mt))
      progress.tick(2)
    }
    for (const n of peers) { moves.push(...allocatedMovement(grown.at.get(n) ?? [], mt, keys)); progress.tick(2) }
    const mixedGrown = grow([mixedPeers], mt, capacities, () => progress.tick())
    const mixedMembers = mixedGrown.at.get(mixedPeers) ?? []
    const mixedSchemes = [
      schemeBalance('random', peerIds(mixedPeers).map((id, i) => ({ id, capacity: capacities[i % capacities.length] })), mt),
      schemeBalance('allocated', mixedMembers, mt)
    ]
    const churned = churn(mixedMembers, churnEvents, mt, capacities)
    progress.tick()
    const zones: Zoned[] = []
    for (const [p, z] of zonedRings) zones.push(...zoned(p, z, mt, keys))
    const build = { ...buildTime(mt), allocateMs: grown.allocateMs, allocateAtPeers: top }
    progress.tick(2)
    progress.finish()

    printTable({
      title: `ring balance, random tokens: most / least loaded peer over the mean share (exact arc lengths; 1.00 is perfect; '-': over the ${MAX_RING_TOKENS}-token budget)`,
      columns: ['peers', ...tokens.map(t => `${t} tok max`), ...tokens.map(t => `${t} tok min`)],
      rows: peers.map(n => {
        const of = (t: number) => balances.find(b => b.peers === n && b.tokensPerUnit === t)
        return [n, ...tokens.map(t => ratio(of(t)?.maxOverMean)), ...tokens.map(t => ratio(of(t)?.minOverMean))]
      })
    })
    printTable({
      title: `random vs allocated tokens (${mt} tokens/unit; allocated rings grown by sequential joins): share over fair share, primary and replicas held (N=3)`,
      columns: ['peers', 'random max', 'random min', 'allocated max', 'allocated min', 'random N=3 max', 'random N=3 min', 'allocated N=3 max', 'allocated N=3 min'],
      rows: peers.map(n => {
        const r = schemes.find(s => s.peers === n && s.scheme === 'random')
        const a = schemes.find(s => s.peers === n && s.scheme === 'allocated')
        return [n, ratio(r?.maxOverMean), ratio(r?.minOverMean), ratio(a?.maxOverMean), ratio(a?.minOverMean),
          ratio(r?.replicaMaxOverMean), ratio(r?.replicaMinOverMean), ratio(a?.replicaMaxOverMean), ratio(a?.replicaMinOverMean)]
      })
    })
    printTable({
      title: `mixed capacities ${capacities.join('/')} over ${mixedPeers} peers: ring share / capacity share (1.00: load follows capacity)`,
      columns: ['tokens', 'max', 'min', 'cv', 'N=3 max', 'N=3 min', ...capacities.map(c => `cap ${c} mean`)],
      rows: [
        ...mixed.filter(m => m.tokensPerUnit !== mt).map(m => [`random ${m.tokensPerUnit}`, ratio(m.maxOverMean), ratio(m.minOverMean), ratio(m.cv), undefined, undefined, ...m.byCapacity.map(b => ratio(b.meanShareOverFair))]),
        ...mixedSchemes.map(s => [`${s.scheme} ${s.tokensPerUnit}`, ratio(s.maxOverMean), ratio(s.minOverMean), ratio(s.cv), ratio(s.replicaMaxOverMean), ratio(s.replicaMinOverMean), ...s.byCapacity.map(b => ratio(b.meanShareOverFair))])
      ]
    })
    printTable({
      title: `movement (${mt} tokens/unit, ${keys} sampled keys): fraction of keys that change primary / replica set (N=3); the first peer leaves`,
      columns: ['tokens', 'peers', 'event', 'moved primary', 'ideal', 'moved / ideal', 'its exact share', 'moved set N=3', 'ideal N=3', 'moved elsewhere'],
      rows: moves.map(m => [m.scheme, m.peers, m.event, pct(m.movedPrimary), pct(m.ideal), ratio(m.movedPrimary / m.ideal), pct(m.exactShare), pct(m.movedReplicaSet), pct(Math.min(1, 3 * m.ideal)), m.movedElsewhere])
    })
    printTable({
      title: `churn: ${churnEvents} random joins and leaves on the ${mixedPeers}-peer mixed-capacity allocated ring (share over capacity share)`,
      columns: ['worst max after a leave', 'worst max after a join', 'final max', 'final min'],
      rows: [[ratio(churned.worstAfterLeave), ratio(churned.worstAfterJoin), ratio(churned.final.maxOverMean), ratio(churned.final.minOverMean)]]
    })
    printTable({
      title: `zones (${mt} tokens/unit, ${keys} sampled keys, N=3, zone-aware preference lists): replicas held over the fair share, most / least loaded`,
      columns: ['peers', 'zones', 'random max', 'random min', 'allocated max', 'allocated min'],
      rows: zonedRings.map(([p, z]) => {
        const r = zones.find(x => x.peers === p && x.zones === z && x.scheme === 'random')
        const a = zones.find(x => x.peers === p && x.zones === z && x.scheme === 'allocated')
        return [p, z, ratio(r?.replicaMaxOverMean), ratio(r?.replicaMinOverMean), ratio(a?.replicaMaxOverMean), ratio(a?.replicaMinOverMean)]
      })
    })
    printTable({
      title: `ring build at the token budget (median of 9; wall ms, CPU ms), and one allocation at ${top} peers (wall ms)`,
      columns: ['members', 'tokens', 'derived, first build', 'derived', 'derived CPU', 'announced, new', 'new CPU', 'announced', 'announced CPU', 'allocateTokens'],
      rows: [[build.members, build.tokens, build.derivedColdMs, build.derivedMs, build.derivedCpuMs, build.announcedNewMs, build.announcedNewCpuMs, build.announcedMs, build.announcedCpuMs, build.allocateMs]]
    })
    await ctx.svg('ring-balance', lineChart({
      title: 'ring balance: max / mean share (random tokens)',
      xLabel: 'tokens per capacity unit',
      yLabel: 'max / mean',
      logX: true,
      xTicks: tokens,
      series: peers.map(n => ({ name: `${n} peers`, points: balances.filter(b => b.peers === n).map(b => [b.tokensPerUnit, b.maxOverMean] as [number, number]) }))
    }))
    return { balance: balances, mixed, movement: moves, allocated: { balance: schemes, mixed: mixedSchemes, churn: churned, zones }, build }
  }
}
