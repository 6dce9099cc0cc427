/**
 * The coordinating replica's sloppy fan-out: a failed or silent target is
 * backed up by the next spare with a hint for the owner it stood in for;
 * each owner's slot counts once; a spare serves one slot at most.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { QuorumNotMetError } from '../../src/errors.js'
import { sloppyWrite } from '../../src/coordinator/sloppy-write.js'

type Behaviour = 'ok' | 'fail' | 'silent'

function sender (behaviour: Record<string, Behaviour>, log: Array<[string, string | undefined]>) {
  return async (peer: string, hintFor: string | undefined): Promise<void> => {
    log.push([peer, hintFor])
    const b = behaviour[peer] ?? 'ok'
    if (b === 'fail') throw new Error(`${peer} refused`)
    if (b === 'silent') return new Promise<void>(() => {})
  }
}

const base = { op: 'put k', counted: [{ peer: 'self', value: 'self' }], timeoutMs: 1000, hedgeAfterMs: 50 }

describe('sloppyWrite', () => {
  test('a failing owner is backed up at once by the first spare, with a hint for it', async () => {
    const log: Array<[string, string | undefined]> = []
    const out = await sloppyWrite({ ...base, targets: [{ peer: 'b' }, { peer: 'c' }], spares: ['d', 'e'], required: 3, send: sender({ b: 'fail' }, log) })
    assert.deepEqual(out.ok.map(r => r.value).sort(), ['c', 'd', 'self'])
    assert.deepEqual(log.find(([p]) => p === 'd'), ['d', 'b'])
    assert.ok(!log.some(([p]) => p === 'e'), 'one spare was enough')
  })

  test('a silent owner is backed up after the hedge delay; a stand-in that fails is backed up with a hint for the owner', async () => {
    const log: Array<[string, string | undefined]> = []
    const started = performance.now()
    const out = await sloppyWrite({ ...base, targets: [{ peer: 'b' }, { peer: 'x', hintFor: 'c' }], spares: ['d', 'e'], required: 3, send: sender({ b: 'silent', x: 'fail' }, log) })
    assert.ok(performance.now() - started >= 40)
    assert.equal(out.ok.length, 3)
    const hinted = new Map(log.filter(([p]) => p === 'd' || p === 'e'))
    assert.deepEqual([...hinted.values()].sort(), ['b', 'c'], 'each spare stood in for one owner')
  })

  test('spares run out: the quorum fails with who failed, within the deadline', async () => {
    const log: Array<[string, string | undefined]> = []
    await assert.rejects(sloppyWrite({ ...base, timeoutMs: 300, targets: [{ peer: 'b' }, { peer: 'c' }], spares: ['d'], required: 3, send: sender({ b: 'fail', c: 'fail', d: 'fail' }, log) }),
      (err: unknown) => err instanceof QuorumNotMetError && err.detail.received === 1 && err.detail.failed.length === 2)
  })

  test('targets and spares that never answer: the quorum fails at the deadline, not never', async () => {
    const started = performance.now()
    await assert.rejects(sloppyWrite({ ...base, timeoutMs: 200, targets: [{ peer: 'b' }, { peer: 'c' }], spares: ['d'], required: 2, send: sender({ b: 'silent', c: 'silent', d: 'silent' }, []) }),
      (err: unknown) => err instanceof QuorumNotMetError && /deadline/.test(err.message))
    assert.ok(performance.now() - started < 1000)
  })

  test('a slot no attempt filled is reported with its owner, also after the quorum answered; filled slots are not', async () => {
    const unfilled: string[] = []
    const started = performance.now()
    // c is silent with no spare left (d went to b, which failed): W is met by self and d first
    const out = await sloppyWrite({ ...base, timeoutMs: 300, targets: [{ peer: 'b' }, { peer: 'x', hintFor: 'c' }], spares: ['d'], required: 2, send: sender({ b: 'fail', x: 'silent' }, []), onUnfilled: owner => { unfilled.push(owner) } })
    assert.deepEqual(out.ok.map(r => r.value).sort(), ['d', 'self'])
    assert.deepEqual(unfilled, [], 'not yet: the silent slot may still answer')
    await new Promise(resolve => setTimeout(resolve, 400 - (performance.now() - started)))
    assert.deepEqual(unfilled, ['c'], 'the slot of c (its stand-in silent, no spare) at its deadline, named by owner')
  })

  test('a slot whose target and spare both fail is reported at once', async () => {
    const unfilled: string[] = []
    await assert.rejects(sloppyWrite({ ...base, targets: [{ peer: 'b' }], spares: ['d'], required: 2, send: sender({ b: 'fail', d: 'fail' }, []), onUnfilled: owner => { unfilled.push(owner) } }), QuorumNotMetError)
    assert.deepEqual(unfilled, ['b'])
  })
})
