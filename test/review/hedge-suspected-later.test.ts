/**
 * A write whose targets all went silent at once (a partition): the
 * coordinator hedges to a spare only beside a *suspect* target
 * (coordinator.ts mayHedge). Right after the split the targets are still
 * healthy in this peer's view when the hedge delay passes, so the spare is
 * refused; the failure detector calls them suspect a second later, but the
 * hedge was asked once and never again, and the write waited for its
 * deadline (503) while a spare could have taken it. Seen in the in-process
 * partition model (test/cluster/partition-model.test.ts): "quorum not met:
 * 0 of 2", every owner 'channel closed' then silent.
 *
 * Here: hedged() with a silent first attempt and a policy that refuses the
 * spare until the silent one turns suspect (300 ms in): the spare must be
 * tried then, not never.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hedged } from '../../src/coordinator/hedged.js'

test('a hedge refused while the silent target was healthy is asked again, and taken once it is suspect', async () => {
  const started = performance.now()
  let suspect = false
  const flip = setTimeout(() => { suspect = true }, 300)
  const never = new Promise<string>(() => {})
  const value = await hedged([
    { peer: 'owner', run: async () => never },
    { peer: 'spare', run: async () => 'spare took it' }
  ], {
    op: 'put k',
    deadline: started + 2_000,
    hedgeAfterMs: 50,
    required: 2,
    mayHedge: (silent, next) => next !== 'spare' || (silent === 'owner' && suspect)
  }).finally(() => { clearTimeout(flip) })
  assert.equal(value, 'spare took it')
  assert.ok(performance.now() - started < 1_000, `the spare was tried soon after the owner turned suspect (${Math.round(performance.now() - started)} ms)`)
})
