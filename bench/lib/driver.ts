/**
 * The one driver every system runs under. Closed loop: `clients` loops, each
 * waiting for its reply before the next request. Open loop (`rate`):
 * operations are due at fixed intervals and latency counts from when an
 * operation was due, not when it was sent, so a stall shows up in the
 * percentiles instead of being hidden (coordinated omission).
 */
import { Histogram } from './histogram.js'
import { Progress } from './progress.js'
import { keyName, rng } from './keys.js'
import type { KeyChooser } from './keys.js'
import type { Summary } from './histogram.js'
import type { KvSystem } from '../systems/system.js'

export type OpName = 'read' | 'update' | 'insert'

export interface Phase {
  label: string
  /** fraction of reads; the rest are updates. Ignored when insert is set. */
  readFraction: number
  /** insert records insertFrom..insertFrom+records-1 once each (the load phase) */
  insert?: boolean
  insertFrom?: number
  records: number
  choose: KeyChooser
  value: Uint8Array
  clients: number
  /** stop after this long (ms) ... */
  durationMs: number
  /** ... or after this many operations, whichever comes first */
  maxOps: number
  /** open loop: operations per second; undefined for closed loop */
  rate?: number
  seed: number
  /** an open loop waits this long for stragglers after its last operation */
  drainMs?: number
}

export interface OpResult extends Summary { errors: number, notFound: number }

export interface PhaseResult {
  phase: string
  mode: 'closed' | 'open'
  clients: number
  targetRate?: number
  elapsedMs: number
  ops: number
  throughput: number
  errors: number
  errorSamples: string[]
  perOp: Partial<Record<OpName, OpResult>>
  /** every successful operation together */
  all: Summary
  /** open loop: how late operations were sent after they were due (the driver's own timer lag, included in latency) */
  sendLag?: Summary
}

class Stats {
  readonly hist = new Histogram()
  errors = 0
  notFound = 0
}

export async function runPhase (system: KvSystem, p: Phase): Promise<PhaseResult> {
  const stats: Record<OpName, Stats> = { read: new Stats(), update: new Stats(), insert: new Stats() }
  const samples = new Set<string>()
  const random = rng(p.seed)
  const total = p.insert === true ? Math.min(p.maxOps, p.records) : p.maxOps
  let issued = 0
  let nextInsert = p.insertFrom ?? 0
  // done is whichever limit is nearer: operations or time
  const progress = new Progress(`${system.name} ${p.label}`, 1)
  const started = performance.now()
  const deadline = started + p.durationMs

  const sendLag = new Histogram()
  const one = async (client: number, dueAt: number): Promise<void> => {
    if (p.rate !== undefined) sendLag.record(performance.now() - dueAt)
    const op: OpName = p.insert === true ? 'insert' : random() < p.readFraction ? 'read' : 'update'
    const key = keyName(op === 'insert' ? nextInsert++ : p.choose(random))
    const s = stats[op]
    try {
      if (op === 'read') {
        if (!await system.get(key, client)) s.notFound++
      } else {
        await system.put(key, p.value, client)
      }
      s.hist.record(performance.now() - dueAt)
    } catch (err) {
      s.errors++
      if (samples.size < 5) samples.add(`${op}: ${(err as Error).message}`.slice(0, 200))
    }
    progress.set(Math.max(issued / total, (performance.now() - started) / p.durationMs))
  }

  if (p.rate === undefined) {
    const loop = async (client: number): Promise<void> => {
      while (issued < total && performance.now() < deadline) {
        issued++
        await one(client, performance.now())
      }
    }
    await Promise.all(Array.from({ length: p.clients }, async (_, c) => { await loop(c) }))
  } else {
    await openLoop(p, total, deadline, started, () => issued++, one)
  }
  const elapsedMs = performance.now() - started
  progress.finish()
  const perOp: Partial<Record<OpName, OpResult>> = {}
  const all = new Histogram()
  let errors = 0
  for (const [name, s] of Object.entries(stats) as Array<[OpName, Stats]>) {
    if (s.hist.count === 0 && s.errors === 0) continue
    perOp[name] = { ...s.hist.summary(), errors: s.errors, notFound: s.notFound }
    all.merge(s.hist)
    errors += s.errors
  }
  const ops = all.count
  return {
    phase: p.label,
    mode: p.rate === undefined ? 'closed' : 'open',
    clients: p.clients,
    targetRate: p.rate,
    elapsedMs: Math.round(elapsedMs),
    ops,
    throughput: Math.round(ops / (elapsedMs / 1000)),
    errors,
    errorSamples: [...samples],
    perOp,
    all: all.summary(),
    sendLag: p.rate === undefined ? undefined : sendLag.summary()
  }
}

async function openLoop (p: Phase, total: number, deadline: number, started: number,
  take: () => number, one: (client: number, dueAt: number) => Promise<void>): Promise<void> {
  const interval = 1000 / (p.rate as number)
  // bounded: past this many outstanding operations new ones wait for a slot (their latency still counts from when they were due)
  const maxInflight = Math.max(p.clients, 1)
  const inflight = new Set<Promise<void>>()
  let i = 0
  while (i < total) {
    const due = started + i * interval
    if (due >= deadline) break
    // timers have whole-millisecond resolution and may fire up to 1 ms early:
    // sending before an operation is due would make its latency look shorter
    for (let now = performance.now(); now < due; now = performance.now()) {
      await new Promise(resolve => setTimeout(resolve, Math.ceil(due - now)))
    }
    while (inflight.size >= maxInflight) await Promise.race(inflight)
    take()
    const run = one(i % maxInflight, due).finally(() => { inflight.delete(run) })
    inflight.add(run)
    i++
  }
  const drain = new Promise<void>(resolve => setTimeout(resolve, p.drainMs ?? 10_000).unref())
  await Promise.race([Promise.all(inflight), drain])
}
