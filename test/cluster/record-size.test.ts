/**
 * Issue 7, item 4: a record that would not fit in a protocol frame. Eight
 * siblings of 1 MiB (the default largest value) make a record over the 8 MiB
 * frame bound. The write that would make it is refused with a typed error;
 * no oversized frame is ever sent, so the per-peer streams it shares with
 * other requests are not reset, and writes of other keys in flight on them
 * all succeed.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { DEFAULT_MAX_VALUE_BYTES } from '../../src/constants.js'
import { startCluster, bytes, text } from '../fixtures/cluster.js'
import type { TestCluster } from '../fixtures/cluster.js'

describe('a record larger than a frame (3 peers, N=3 R=2 W=2)', () => {
  let cluster: TestCluster
  before(async () => {
    cluster = await startCluster(3, { n: 3, r: 2, w: 2 })
    await cluster.converged(3)
  })
  after(async () => { await cluster.stop() })

  test('eight 1 MiB siblings: the write that would pass the frame bound fails alone, with ERR_RECORD_TOO_LARGE; 200 concurrent small writes all succeed', async () => {
    const [a, b, c] = cluster.nodes
    const big = (i: number): Uint8Array => new Uint8Array(DEFAULT_MAX_VALUE_BYTES).fill(i + 1)
    const bigOutcomes: string[] = []
    for (let i = 0; i < 7; i++) {
      // blind writes: each one a new sibling
      bigOutcomes.push(await a.put('huge', big(i)).then(() => 'ok', (err: any) => err.code as string))
    }
    // the eighth, with small writes of other keys in flight on the same streams before, during and after it
    const eighth = a.put('huge', big(7)).then(() => 'ok', (err: any) => err.code as string)
    const small = Array.from({ length: 200 }, async (_, i) => {
      await delay(i % 100)
      const via = [a, b, c][i % 3]
      return via.put(`small-${i}`, bytes(`v${i}`), { timeoutMs: 20_000 }).then(() => 'ok', (err: any) => `${err.code as string}: ${err.message as string}`)
    })
    const smallOutcomes = await Promise.all(small)
    bigOutcomes.push(await eighth)
    const failed = smallOutcomes.filter(o => o !== 'ok')
    assert.deepEqual(failed, [], `${failed.length} of 200 small writes failed`)
    assert.deepEqual(bigOutcomes, ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ERR_RECORD_TOO_LARGE'])

    // the record stays readable everywhere, with the seven siblings that fit
    for (const node of cluster.nodes) {
      const got = await node.get('huge', { r: 3 })
      assert.equal(got.values.length, 7)
    }
    for (let i = 0; i < 200; i += 37) assert.deepEqual((await c.get(`small-${i}`)).values.map(text), [`v${i}`])
  })
})
