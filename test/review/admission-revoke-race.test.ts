/**
 * Review: a certificate check that was under way when its peer was revoked
 * must not admit the peer. The membership validator awaits `admit` for an
 * announcement; a revocation landing during that wait (the admission topic
 * and the announcement arrive together) used to leave the verdict "ok", so
 * the announcement was accepted and put the revoked peer back in the view
 * (and ring) it had just been dropped from, until the expiry sweep.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { defaultLogger } from '@libp2p/logger'
import { issueCertificate } from '../../src/admission/certificate.js'
import { issueRevocation } from '../../src/admission/revocation.js'
import { newClusterKey } from '../../src/admission/cluster-key.js'
import { Admission } from '../../src/admission/admission.js'
import { MetricsRegistry } from '../../src/metrics.js'

test('a peer revoked while its certificate is being checked is not admitted', async () => {
  const key = await newClusterKey()
  const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const admission = new Admission({ cluster: 'c1', clusterKey: key.publicKey, log: defaultLogger().forComponent('t'), metrics: new MetricsRegistry() })
  const cert = await issueCertificate(key, { peer: id, cluster: 'c1' })
  const revocation = await issueRevocation(key, id)
  // the revocation's check starts first and ends while the certificate's is under way
  const revoked = admission.revoke(revocation)
  const verdict = admission.admit(id, cert)
  assert.deepEqual(await revoked, { peer: id, added: true })
  const v = await verdict
  assert.equal(admission.isMember(id), false)
  assert.equal(v.ok, false, 'the verdict of a revoked peer is a refusal')
})
