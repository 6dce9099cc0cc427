/**
 * Review: anyone may publish on the membership topic, and the validator
 * checks the certificate an announcement carries before membership's own
 * size bound applies. The verdict cache was keyed by the certificate's
 * whole bytes (base64), and an oversized "certificate" (up to the
 * validator's 256 KiB message bound) was cached too: a non-member
 * publishing distinct 200 KiB garbage certificates under fresh peer ids
 * filled the 4096-entry cache with ~1.4 GB of keys.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import v8 from 'node:v8'
import vm from 'node:vm'
import { defaultLogger } from '@libp2p/logger'
import { newClusterKey } from '../../src/admission/cluster-key.js'
import { Admission } from '../../src/admission/admission.js'
import { MetricsRegistry } from '../../src/metrics.js'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

test('oversized garbage certificates are refused without being kept', async () => {
  const key = await newClusterKey()
  const admission = new Admission({ cluster: 'c1', clusterKey: key.publicKey, log: defaultLogger().forComponent('t'), metrics: new MetricsRegistry() })
  gc()
  const before = process.memoryUsage().heapUsed
  const garbage = new Uint8Array(200 * 1024)
  for (let i = 0; i < 600; i++) {
    new DataView(garbage.buffer).setUint32(0, i)
    const v = await admission.admit(`peer-${i}`, garbage)
    assert.equal(v.ok, false)
  }
  gc()
  const grown = process.memoryUsage().heapUsed - before
  assert.ok(grown < 32 * 1024 * 1024, `heap grew ${Math.round(grown / 1024 / 1024)} MiB for refused certificates`)
})
