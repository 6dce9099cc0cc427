/**
 * Key epochs: a run keeps minting a key under the actor of its own the
 * record holds, and under a fresh one when the record holds none (a key
 * whose tombstone was collected, or a new key).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mintingActor, ownActor, parseActor, update, newSet } from '../../src/version/index.js'

const RUN = 'peerA.00000000112345678'
const rand = (n: number) => () => new Uint8Array([n, n, n, n])

test('no record: a fresh key epoch of the run actor, parsed as the same peer and epoch', () => {
  const actor = mintingActor(undefined, RUN, rand(1))
  assert.equal(actor, `${RUN}01010101`)
  assert.deepEqual(parseActor(actor), parseActor(RUN))
  assert.notEqual(mintingActor(undefined, RUN, rand(2)), actor)
})

test('a record holding one of the run\'s actors keeps it; other peers\' and runs\' actors do not count', () => {
  const mine = `${RUN}0a0a0a0a`
  let r = update(newSet('x'), 'peerA.000000000aaaaaaaa')
  r = { entries: [...r.entries, { actor: 'peerB.00000000199999999', counter: 3, values: [] }], anonymous: [] }
  assert.equal(ownActor(r, RUN), undefined)
  assert.equal(mintingActor(r, RUN, rand(7)), `${RUN}07070707`)
  const withMine = { entries: [...r.entries, { actor: mine, counter: 2, values: [] }].sort((x, y) => x.actor < y.actor ? -1 : 1), anonymous: [] }
  assert.equal(mintingActor(withMine, RUN, rand(9)), mine)
})
