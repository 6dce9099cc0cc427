/**
 * `ring`: what one machine cannot host, simulated with meshkv's own Ring:
 * balance for 10..1000 peers and 16..512 tokens per capacity unit, load
 * against capacity with mixed capacities, and the keys that move when a
 * peer joins or leaves against the 1/(n+1) ideal.
 */
import { balance, movement, weighted } from './lib/ring-sim.js'
import { Progress } from './lib/progress.js'
import { lineChart } from './lib/svg.js'
import { printTable } from './lib/table.js'
import type { Benchmark } from './lib/bench.js'
import type { Balance, Movement, Weighted } from './lib/ring-sim.js'

const ratio = (x: number | undefined): string | undefined => x?.toFixed(2)
const pct = (x: number): string => `${Number((x * 100).toPrecision(3))}%`

export const ring: Benchmark = {
  name: 'ring',
  summary: 'simulated ring balance, capacity weighting and key movement for 10..1000 peers',
  options: {
    peers: { type: 'string', default: '10,100,1000', help: 'peer counts' },
    tokens: { type: 'string', default: '16,32,64,128,256,512', help: 'tokens per capacity unit' },
    capacities: { type: 'string', default: '1,2,4', help: 'capacities the mixed-capacity ring cycles through' },
    'mixed-peers': { type: 'string', default: '100', help: 'peers in the mixed-capacity ring' },
    'movement-tokens': { type: 'string', default: '128', help: 'tokens per unit for the movement runs (meshkv default 128)' },
    keys: { type: 'string', default: '100000', help: 'sampled keys for movement' },
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

    const progress = new Progress('ring', peers.length * tokens.length + tokens.length + peers.length * 2)
    const balances: Balance[] = []
    for (const n of peers) for (const t of tokens) { balances.push(balance(n, t)); progress.tick() }
    const mixed: Weighted[] = []
    for (const t of tokens) { mixed.push(weighted(mixedPeers, t, capacities)); progress.tick() }
    const moves: Movement[] = []
    for (const n of peers) for (const ev of ['join', 'leave'] as const) { moves.push(movement(n, mt, ev, keys)); progress.tick() }
    progress.finish()

    printTable({
      title: 'ring balance: most / least loaded peer over the mean share (exact arc lengths; 1.00 is perfect)',
      columns: ['peers', ...tokens.map(t => `${t} tok max`), ...tokens.map(t => `${t} tok min`)],
      rows: peers.map(n => {
        const of = (t: number) => balances.find(b => b.peers === n && b.tokensPerUnit === t)
        return [n, ...tokens.map(t => ratio(of(t)?.maxOverMean)), ...tokens.map(t => ratio(of(t)?.minOverMean))]
      })
    })
    printTable({
      title: `mixed capacities ${capacities.join('/')} over ${mixedPeers} peers: ring share / capacity share (1.00: load follows capacity)`,
      columns: ['tokens/unit', 'max', 'min', 'cv', ...capacities.map(c => `cap ${c} mean`)],
      rows: mixed.map(m => [m.tokensPerUnit, ratio(m.maxOverMean), ratio(m.minOverMean), ratio(m.cv), ...m.byCapacity.map(b => ratio(b.meanShareOverFair))])
    })
    printTable({
      title: `movement (${mt} tokens/unit, ${keys} sampled keys): fraction of keys that change primary / replica set (N=3)`,
      columns: ['peers', 'event', 'moved primary', 'ideal', 'its exact share', 'moved set N=3', 'ideal N=3', 'moved elsewhere'],
      rows: moves.map(m => [m.peers, m.event, pct(m.movedPrimary), pct(m.ideal), pct(m.exactShare), pct(m.movedReplicaSet), pct(Math.min(1, 3 * m.ideal)), m.movedElsewhere])
    })
    await ctx.svg('ring-balance', lineChart({
      title: 'ring balance: max / mean share',
      xLabel: 'tokens per capacity unit',
      yLabel: 'max / mean',
      logX: true,
      xTicks: tokens,
      series: peers.map(n => ({ name: `${n} peers`, points: balances.filter(b => b.peers === n).map(b => [b.tokensPerUnit, b.maxOverMean] as [number, number]) }))
    }))
    return { balance: balances, mixed, movement: moves }
  }
}
