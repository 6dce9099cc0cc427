/**
 * A read asks R replicas, not N: the next one only when one fails, or, once
 * the hedge delay passes with the quorum short, beside a silent one (when
 * the policy allows). `settled` reports every replica that was asked.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readQuorum } from '../../src/coordinator/read-quorum.js'
import { QuorumNotMetError } from '../../src/errors.js'
import type { QuorumCall } from '../../src/coordinator/quorum.js'

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** A call that answers its peer's name (or fails) after `ms`, and records when it started. */
function call (peer: string, ms: number, started: Map<string, number>, t0: number, fails = false): QuorumCall<string> {
  return {
    peer,
    run: async () => {
      started.set(peer, performance.now() - t0)
      await sleep(ms)
      if (fails) throw new Error(`${peer} failed`)
      return peer
    }
  }
}

const never = (peer: string, started: Map<string, number>, t0: number): QuorumCall<string> => ({
  peer,
  run: async () => { started.set(peer, performance.now() - t0); return new Promise<string>(() => {}) }
})

describe('read quorum', () => {
  test('replicas that answer: only R are asked', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const out = await readQuorum('get k', [call('a', 1, started, t0), call('b', 5, started, t0), call('c', 1, started, t0)], 2, { hedgeAfterMs: 1000 })
    assert.deepEqual(out.ok.map(r => r.peer).sort(), ['a', 'b'])
    assert.equal(started.has('c'), false, 'the third replica was not asked')
    const all = await out.settled
    assert.deepEqual(all.ok.map(r => r.peer).sort(), ['a', 'b'])
  })

  test('a failure asks the next at once, without waiting for the hedge delay', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const out = await readQuorum('get k', [call('a', 1, started, t0), call('b', 1, started, t0, true), call('c', 1, started, t0)], 2, { hedgeAfterMs: 5000 })
    assert.deepEqual(out.ok.map(r => r.peer).sort(), ['a', 'c'])
    assert.ok((started.get('c') ?? Infinity) < 1000)
    assert.deepEqual(out.failed.map(f => f.peer), ['b'])
  })

  test('a silent replica: the next is asked after the hedge delay, and the silent one is still reported when it settles', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    let release!: () => void
    const late: QuorumCall<string> = { peer: 'b', run: async () => { started.set('b', performance.now() - t0); await new Promise<void>(resolve => { release = resolve }); return 'b' } }
    const out = await readQuorum('get k', [call('a', 1, started, t0), late, call('c', 1, started, t0)], 2, { hedgeAfterMs: 60 })
    assert.deepEqual(out.ok.map(r => r.peer).sort(), ['a', 'c'])
    assert.ok((started.get('c') ?? 0) >= 55, `hedge waited: ${started.get('c')}`)
    const seen: { all?: { ok: Array<{ peer: string }> } } = {}
    void out.settled.then(s => { seen.all = s })
    await sleep(10)
    assert.equal(seen.all, undefined, 'settled waits for the silent replica')
    release()
    await sleep(10)
    assert.deepEqual((seen.all as { ok: Array<{ peer: string }> } | undefined)?.ok.map(r => r.peer).sort(), ['a', 'b', 'c'])
  })

  test('the policy may refuse a hedge: the read then waits for the silent one', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    const asked: Array<[string, string]> = []
    const out = await readQuorum('get k', [call('a', 1, started, t0), call('b', 150, started, t0), call('c', 1, started, t0)], 2, {
      hedgeAfterMs: 30,
      mayHedge: (silent, next) => { asked.push([silent, next]); return false }
    })
    assert.deepEqual(out.ok.map(r => r.peer).sort(), ['a', 'b'])
    assert.equal(started.has('c'), false)
    assert.ok(asked.length >= 1)
    assert.deepEqual(asked[0], ['b', 'c'], 'the silent one is the longest running')
  })

  test('too few can answer: QuorumNotMet as soon as that is known', async () => {
    const started = new Map<string, number>()
    const t0 = performance.now()
    await assert.rejects(readQuorum('get k', [call('a', 1, started, t0), call('b', 1, started, t0, true), call('c', 1, started, t0, true), never('d', started, t0)], 3, { hedgeAfterMs: 5000 }),
      (err: unknown) => err instanceof QuorumNotMetError && err.detail.received === 1)
  })
})
