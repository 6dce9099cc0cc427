/**
 * Collection under random histories of one key on three replicas: puts and
 * deletes (with the context of the coordinating replica, or blind), copies
 * of a record from one replica to another in any order (replication, read
 * repair, anti-entropy copying a tombstone back to a replica that collected
 * it), and collection passes with some owners silent. Each history runs
 * twice, with collection and without (a shadow where nothing is ever
 * collected): every replica must show the same live values in both, so
 * collection never loses a value and never brings a deleted one back.
 * Replicas mint as Replica.coordinatePut does, under mintingActor; with the
 * run's actor instead, a blind put after a collection reuses a dot and a
 * replica that still holds the delete drops the new value (kv679).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decide } from '../../src/tombstones/decision.js'
import { siblingEquals } from '../../src/store/record.js'
import { empty, join, mintingActor, newSet, newWithContext, sync, updateWith, values } from '../../src/version/index.js'
import type { OwnerAnswer } from '../../src/tombstones/decision.js'
import type { KvRecord, Sibling } from '../../src/store/record.js'

const R = 3
const RUN_ACTORS = ['pa.000000001aaaaaaaa', 'pb.000000001bbbbbbbb', 'pc.000000001cccccccc']

/** a write reaches its coordinator and the replicas in `reach` (as replication does, W of them or more) */
type Op =
  | { t: 'put', at: number, blind: boolean, reach: number[] }
  | { t: 'del', at: number, blind: boolean, reach: number[] }
  | { t: 'copy', from: number, to: number }
  | { t: 'collect', at: number, silent: number | null }

const replicaArb = fc.nat(R - 1)
const reachArb = fc.subarray([0, 1, 2])
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('put' as const), at: replicaArb, blind: fc.boolean(), reach: reachArb }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('del' as const), at: replicaArb, blind: fc.boolean(), reach: reachArb }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('copy' as const), from: replicaArb, to: replicaArb }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('collect' as const), at: replicaArb, silent: fc.option(replicaArb, { nil: null, freq: 4 }) }), weight: 3 }
)

type Replicas = Array<KvRecord | undefined>

function live (r: KvRecord | undefined): string[] {
  if (r === undefined) return []
  return [...new Set(values(r).filter(s => s.value !== null).map(s => new TextDecoder().decode(s.value as Uint8Array)))].sort()
}

interface Run { replicas: Replicas, randoms: number }

function write (run: Run, at: number, sibling: Sibling, blind: boolean, keyEpochs: boolean): void {
  const current = run.replicas[at]
  const context = blind || current === undefined ? [] : join(current)
  const incoming = context.length === 0 ? newSet(sibling) : newWithContext(context, sibling)
  const actor = keyEpochs
    ? mintingActor(current, RUN_ACTORS[at], () => { const n = ++run.randoms; return new Uint8Array([n >> 24, n >> 16, n >> 8, n]) })
    : RUN_ACTORS[at]
  run.replicas[at] = updateWith(incoming, current ?? empty(), actor, siblingEquals)
}

function copy (replicas: Replicas, from: number, to: number): void {
  const src = replicas[from]
  if (src === undefined || from === to) return
  const dst = replicas[to]
  replicas[to] = dst === undefined ? src : sync(dst, src, siblingEquals)
}

/** skipSilent: a collector that leaves a down owner out instead of waiting for it (as a ring without down members would) */
function collect (replicas: Replicas, at: number, silent: number | null, now: number, grace: number, skipSilent: boolean): void {
  const local = replicas[at]
  if (local === undefined) return
  const answers: OwnerAnswer[] = []
  for (let i = 0; i < R; i++) {
    if (i === at) continue
    const r = replicas[i]
    if (i === silent && skipSilent) continue
    answers.push(i === silent ? { peer: String(i), failed: 'down' } : r === undefined ? { peer: String(i), found: false } : { peer: String(i), found: true, record: r })
  }
  if (decide(local, answers, now, grace).collect) replicas[at] = undefined
}

/** Runs the history with and without collection; returns the first replica whose live values differ. */
function play (ops: Op[], grace: number, keyEpochs: boolean, skipSilent = false, heal?: (real: Run, shadow: Run, now: number) => string | undefined): string | undefined {
  const real: Run = { replicas: new Array(R).fill(undefined), randoms: 0 }
  const shadow: Run = { replicas: new Array(R).fill(undefined), randoms: 0 }
  let now = 0
  for (const [i, op] of ops.entries()) {
    now += 10
    if (op.t === 'put' || op.t === 'del') {
      const sibling: Sibling = { value: op.t === 'put' ? new TextEncoder().encode(`v${i}`) : null, timestamp: now }
      write(real, op.at, sibling, op.blind, keyEpochs)
      write(shadow, op.at, sibling, op.blind, keyEpochs)
      for (const to of op.reach) {
        copy(real.replicas, op.at, to)
        copy(shadow.replicas, op.at, to)
      }
    } else if (op.t === 'copy') {
      copy(real.replicas, op.from, op.to)
      copy(shadow.replicas, op.from, op.to)
    } else {
      collect(real.replicas, op.at, op.silent, now, grace, skipSilent)
    }
    const differs = compare(real, shadow, `after op ${i} (${JSON.stringify(op)})`)
    if (differs !== undefined) return differs
  }
  if (heal !== undefined) return heal(real, shadow, now)
  return undefined
}

function compare (real: Run, shadow: Run, when: string): string | undefined {
  for (let r = 0; r < R; r++) {
    const a = live(real.replicas[r])
    const b = live(shadow.replicas[r])
    if (a.join() !== b.join()) return `${when} replica ${r} shows [${a.join()}], without collection [${b.join()}]`
  }
  return undefined
}

/**
 * Healing after the history: every replica up, records copied both ways
 * (read repair, anti-entropy), then a collection pass on each replica in
 * turn, and after each pass a copy of some replica's record to every
 * replica that has none (anti-entropy copying a key missing on one side).
 * Once the key holds deletes only, every copy is gone within two rounds.
 */
function heal (copyBacks: number[]) {
  return (real: Run, shadow: Run, then: number): string | undefined => {
    for (const from of [0, 1, 2, 0, 1]) for (let to = 0; to < R; to++) { copy(real.replicas, from, to); copy(shadow.replicas, from, to) }
    const differs = compare(real, shadow, 'after healing copies')
    if (differs !== undefined) return differs
    // after the copies every replica holds the merged record: of deletes only (or none at all), or with a value
    const deletesOnly = shadow.replicas.every(r => live(r).length === 0)
    let backs = 0
    for (let round = 0; round < 2 + copyBacks.length; round++) {
      for (let at = 0; at < R; at++) {
        collect(real.replicas, at, null, then + 1_000_000, 0, false)
        const from = copyBacks[backs++]
        if (from !== undefined) for (let to = 0; to < R; to++) if (real.replicas[to] === undefined) copy(real.replicas, from, to)
        const d = compare(real, shadow, `healing round ${round}`)
        if (d !== undefined) return d
      }
    }
    const left = real.replicas.filter(r => r !== undefined).length
    if (deletesOnly && left > 0) return `${left} replicas still hold the deletes after healing`
    if (!deletesOnly && left < R) return 'a replica holding a value was collected'
    return undefined
  }
}

describe('tombstone collection under random histories', () => {
  test('no replica ever shows other live values than it would without collection', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (ops, grace) => {
      assert.equal(play(ops, grace, true), undefined)
    }), { numRuns: 3000 })
  })

  test('once healing copies run, every delete is reaped, even with records copied back to replicas that collected', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(fc.nat(R - 1), { maxLength: 6 }), (ops, backs) => {
      assert.equal(play(ops, 0, true, false, heal(backs)), undefined)
    }), { numRuns: 2000 })
  })

  test('minting under the run actor after a collection loses a write (why key epochs exist)', () => {
    // v0 at A, copied to B and C, deleted at A with its context, copied: every replica holds the delete
    const ops: Op[] = [
      { t: 'put', at: 0, blind: false, reach: [1, 2] },
      { t: 'del', at: 0, blind: false, reach: [1, 2] },
      // A collects; B has not yet; a blind put at A, replicated to B
      { t: 'collect', at: 0, silent: null }, { t: 'put', at: 0, blind: true, reach: [1] }
    ]
    assert.match(play(ops, 0, false) ?? '', /replica 1 shows \[\], without collection \[v3\]/)
    assert.equal(play(ops, 0, true), undefined)
  })

  test('a replica that missed the delete and is down keeps the others from collecting', () => {
    const ops: Op[] = [
      { t: 'put', at: 0, blind: true, reach: [1, 2] },
      // B is down during the delete, and during the collection
      { t: 'del', at: 0, blind: false, reach: [2] },
      { t: 'collect', at: 0, silent: 1 }, { t: 'collect', at: 2, silent: 1 },
      // B is back: its old value reaches A (read repair, anti-entropy)
      { t: 'copy', from: 1, to: 0 }
    ]
    assert.equal(play(ops, 0, true), undefined)
    assert.match(play(ops, 0, true, true) ?? '', /replica 0 shows \[v0\], without collection \[\]/)
  })
})
