import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeRefusal, judgeParams, RING_HASH } from '../../src/membership/params.js'
import { overBudget } from '../../src/membership/token-budget.js'
import type { AnnouncedParams } from '../../src/membership/params.js'

const p = (n: number, tokensPerUnit: number, nSet: boolean, tpuSet: boolean, hash = RING_HASH): AnnouncedParams =>
  ({ n, tokensPerUnit, hash, set: { n: nSet, tokensPerUnit: tpuSet } })

test('settled and different: refused, naming the setting and both values', () => {
  const v = judgeParams(p(3, 128, true, true), p(2, 128, true, true))
  assert.deepEqual(v.refuse, { setting: 'n', ours: '3', theirs: '2' })
  assert.equal(describeRefusal(v.refuse), 'cluster setting n differs: ours 3, theirs 2')
  assert.equal(judgeParams(p(3, 128, true, true), p(3, 16, true, true)).refuse?.setting, 'tokensPerUnit')
  assert.equal(judgeParams(p(3, 128, false, false), p(3, 128, false, false, 'md5')).refuse?.setting, 'hash', 'a hash is never adopted')
})

test('unset here, set there: adopted; unset there: wait for the sender to adopt ours', () => {
  assert.deepEqual(judgeParams(p(3, 128, false, false), p(5, 64, true, true)), { adopt: { n: 5, tokensPerUnit: 64 }, wait: false })
  assert.deepEqual(judgeParams(p(3, 128, true, true), p(5, 64, false, false)), { adopt: {}, wait: true })
  assert.deepEqual(judgeParams(p(3, 128, true, false), p(3, 64, true, true)), { adopt: { tokensPerUnit: 64 }, wait: false })
  assert.deepEqual(judgeParams(p(3, 128, true, true), p(3, 128, false, false)), { adopt: {}, wait: false }, 'same values agree')
})

test('token budget: per member and for the whole ring, with the numbers', () => {
  assert.equal(overBudget({ capacity: 64 }, 128, 0), undefined)
  assert.match(overBudget({ capacity: 10000 }, 128, 0) ?? '', /claims 1280000 ring tokens \(capacity 10000 at 128 per unit\), over the limit of 8192 per member/)
  assert.match(overBudget({ capacity: 1, tokens: new Array(9000).fill(0n) }, 128, 0) ?? '', /claims 9000 ring tokens/)
  assert.match(overBudget({ capacity: 64 }, 128, 262144 - 8191) ?? '', /take the ring to 262145, over the cluster budget of 262144/)
  assert.equal(overBudget({ capacity: 64 }, 128, 262144 - 8192), undefined)
})
