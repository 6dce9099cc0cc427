/**
 * Hints to an owner refused by an open circuit breaker (it opened while the
 * owner was unreachable, and is still open when the owner is seen up again)
 * are tried again at the next round, not after a doubled backoff: in the
 * partition fault test the handoff after a heal waited 15 to 50 s this way,
 * and reads from the owners missed acknowledged writes meanwhile.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultLogger } from '@libp2p/logger'
import { HintDelivery } from '../../src/handoff/hint-delivery.js'
import { HintStore } from '../../src/handoff/hint-store.js'
import { RecordStore } from '../../src/store/record-store.js'
import { MetricsRegistry } from '../../src/metrics.js'
import { CircuitOpenError } from '../../src/errors.js'
import { tempDir, bytes } from '../fixtures/cluster.js'

const OWNER = '12D3KooWOwner'
let dir: string | undefined
let store: RecordStore | undefined
after(async () => {
  await store?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

test('a delivery refused by an open circuit is tried again at the next round, not after a backoff', async () => {
  dir = await tempDir('meshkv-hint-circuit-')
  store = new RecordStore({ path: join(dir, 'db'), limits: { maxValueBytes: 1024 } })
  await store.open()
  const hints = new HintStore({ db: store.raw.db, maxHints: 100, maxAgeMs: 60_000 })
  await hints.open()
  await store.update('k', () => ({ entries: [{ actor: 'a', counter: 1, values: [{ value: bytes('v'), timestamp: 1 }] }], anonymous: [] }))
  await hints.add(OWNER, 'k')
  let open = true
  const sent: string[] = []
  const delivery = new HintDelivery({
    hints,
    store,
    sync: async (peer, key) => {
      if (open) throw new CircuitOpenError(peer, 1000)
      sent.push(`${key}@${peer}`)
    },
    health: () => 'healthy',
    owns: () => true,
    log: defaultLogger().forComponent('test'),
    metrics: new MetricsRegistry(),
    // no timer in this test: rounds run when woken
    periodMs: 60_000
  })
  delivery.start()
  try {
    await delivery.wake()
    assert.equal(hints.heldForAny('k'), true, 'refused: the hint stays')
    // the breaker lets requests through again (a probe answered)
    open = false
    await delivery.wake()
    assert.deepEqual(sent, [`k@${OWNER}`], 'delivered at the next round')
    assert.equal(hints.heldForAny('k'), false)
  } finally {
    await delivery.stop()
  }
})
