import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { defaultLogger } from '@libp2p/logger'
import { issueCertificate, readCertificate, verifyCertificate } from '../../src/admission/certificate.js'
import { issueRevocation, verifyRevocation } from '../../src/admission/revocation.js'
import { decodeClusterKey, encodeClusterKey, newClusterKey, decodeSignedText, encodeSignedText } from '../../src/admission/cluster-key.js'
import { parseDuration } from '../../src/admission/duration.js'
import { Admission } from '../../src/admission/admission.js'
import { createAdmission } from '../../src/admission/setup.js'
import { rm } from 'node:fs/promises'
import { RecordStore } from '../../src/store/record-store.js'
import { tempDir } from '../fixtures/cluster.js'
import { leadingRequestId } from '../../src/admission/refusals.js'
import { encodeFrame } from '../../src/protocol/frames.js'
import { Request } from '../../src/protocol/pb/kv.js'
import { MetricsRegistry } from '../../src/metrics.js'

async function peer (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

test('a certificate signed by the cluster key verifies for its peer, cluster and time', async () => {
  const key = await newClusterKey()
  const id = await peer()
  const cert = await issueCertificate(key, { peer: id, cluster: 'c1', validForMs: 60_000, now: 1_000 })
  const v = await verifyCertificate(cert, { clusterKey: key.publicKey, peer: id, cluster: 'c1', now: 2_000 })
  assert.equal(v.ok, true)
  assert.deepEqual(v.ok && v.cert, { peer: id, cluster: 'c1', issued: 1_000, expires: 61_000 })
})

test('expired, wrong peer, wrong cluster, wrong key, tampered and garbage certificates are refused', async () => {
  const key = await newClusterKey()
  const other = await newClusterKey()
  const id = await peer()
  const cert = await issueCertificate(key, { peer: id, cluster: 'c1', validForMs: 60_000, now: 1_000 })
  const reason = async (bytes: Uint8Array, over: Partial<Parameters<typeof verifyCertificate>[1]> = {}): Promise<string> => {
    const v = await verifyCertificate(bytes, { clusterKey: key.publicKey, peer: id, cluster: 'c1', now: 2_000, ...over })
    return v.ok ? 'ok' : v.reason
  }
  assert.match(await reason(cert, { now: 61_000 }), /expired/)
  assert.match(await reason(cert, { peer: await peer() }), /is for peer/)
  assert.match(await reason(cert, { cluster: 'c2' }), /cluster "c1"/)
  assert.match(await reason(await issueCertificate(other, { peer: id })), /another cluster key/)
  // a certificate made with another key that claims this cluster's public key: the signature fails
  const forged = new Uint8Array(cert)
  forged[forged.length - 1] ^= 1
  assert.match(await reason(forged), /signature|malformed/)
  // one byte of the body changed (the expiry, say): the signature no longer holds
  for (let i = 10; i < cert.length - 70; i += 7) {
    const t = new Uint8Array(cert)
    t[i] ^= 0x40
    assert.notEqual(await reason(t), 'ok', `byte ${i} changed`)
  }
  assert.match(await reason(new Uint8Array([1, 2, 3, 4])), /malformed/)
  assert.match(await reason(new Uint8Array(0)), /malformed/)
  assert.match(await reason(new Uint8Array(5000)), /malformed/)
  // a revocation is not a certificate, though both are signed by the cluster key
  assert.notEqual(await reason(await issueRevocation(key, id)), 'ok')
})

test('revocations verify against their key only', async () => {
  const key = await newClusterKey()
  const id = await peer()
  const r = await issueRevocation(key, id)
  const v = await verifyRevocation(r, key.publicKey)
  assert.equal(v.ok && v.revocation.peer, id)
  assert.equal((await verifyRevocation(r, (await newClusterKey()).publicKey)).ok, false)
  assert.equal((await verifyRevocation(await issueCertificate(key, { peer: id }), key.publicKey)).ok, false)
})

test('Admission: members by certificate, revoked ones out, verdicts cached', async () => {
  const key = await newClusterKey()
  const id = await peer()
  let now = 1_000
  const metrics = new MetricsRegistry()
  const admission = new Admission({ cluster: 'c1', clusterKey: key.publicKey, log: defaultLogger().forComponent('t'), metrics, now: () => now })
  assert.equal(admission.isMember(id), false)
  assert.equal((await admission.admit(id, undefined)).ok, false)
  const cert = await issueCertificate(key, { peer: id, validForMs: 10_000, now })
  assert.equal((await admission.admit(id, cert)).ok, true)
  assert.equal((await admission.admit(id, cert)).ok, true)
  assert.match(metrics.render(), /meshkv_admission_total\{what="certificate_checked"\} 1\b/)
  assert.equal(admission.isMember(id), true)
  // someone else's certificate does not make a peer a member
  const stranger = await peer()
  assert.equal((await admission.admit(stranger, cert)).ok, false)
  now = 20_000
  assert.equal(admission.isMember(id), false, 'expired')
  const v = await admission.admit(id, cert)
  assert.match(v.ok ? '' : v.reason, /expired/)
  now = 1_000
  assert.equal(admission.isMember(id), true)
  const revocation = await issueRevocation(key, id)
  assert.deepEqual(await admission.revoke(revocation), { peer: id, added: true })
  assert.deepEqual(await admission.revoke(revocation), { peer: id, added: false })
  assert.equal(admission.isMember(id), false)
  assert.equal((await admission.admit(id, cert)).ok, false)
  await assert.rejects(admission.revoke(await issueRevocation(await newClusterKey(), id)), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(admission.revoke(new Uint8Array([9, 9, 9])), { code: 'ERR_INVALID_ARGUMENT' })
  assert.equal(admission.status().revocations, 1)
  const open = new Admission({ cluster: 'c1', log: defaultLogger().forComponent('t'), metrics })
  assert.equal(open.isMember(id), true)
  assert.equal(open.status().mode, 'open')
})

test('cluster keys and signed bytes round-trip through their text forms', async () => {
  const key = await newClusterKey()
  assert.deepEqual(decodeClusterKey(encodeClusterKey(key)).publicKey.raw, key.publicKey.raw)
  assert.throws(() => decodeClusterKey('not a key'), { code: 'ERR_INVALID_ARGUMENT' })
  const cert = await issueCertificate(key, { peer: await peer() })
  assert.deepEqual(decodeSignedText(encodeSignedText(cert), 'cert'), cert)
  assert.throws(() => decodeSignedText('{"json": 1}', 'cert'), /not a meshkv certificate/)
  assert.equal(readCertificate(cert)?.expires, undefined)
})

test('durations', () => {
  assert.equal(parseDuration('90d'), 90 * 86_400_000)
  assert.equal(parseDuration('1d12h'), 36 * 3_600_000)
  assert.equal(parseDuration('45s'), 45_000)
  for (const bad of ['', '0d', '10', 'd', '1x', '-1d', '1000y', '1d 2h']) assert.throws(() => parseDuration(bad), { code: 'ERR_INVALID_ARGUMENT' }, bad)
})

test('a refusal reads only the request id at the start of a frame', () => {
  assert.equal(leadingRequestId(encodeFrame(Request.encode({ id: 300, type: 1, key: 'k' })).subarray()), 300)
  assert.equal(leadingRequestId(encodeFrame(Request.encode({ id: 0, type: 1, key: 'k' })).subarray()), 0)
  assert.equal(leadingRequestId(new Uint8Array([0xff, 0xff])), 0)
  assert.equal(leadingRequestId(new Uint8Array(0)), 0)
})

test('a node refuses to start with a certificate that is not its own, for another cluster, or expired; with the key it certifies itself', async (t) => {
  const key = await newClusterKey()
  const self = await peer()
  const dir = await tempDir('meshkv-admission-unit-')
  const store = new RecordStore({ path: dir, limits: { maxValueBytes: 1024 } })
  await store.open()
  t.after(async () => { await store.close(); await rm(dir, { recursive: true, force: true }) })
  const ctx = { selfId: self, cluster: 'c1', datastore: store.raw, log: defaultLogger().forComponent('t'), metrics: new MetricsRegistry() }
  const open = await createAdmission({}, ctx)
  assert.equal(open.mode, 'open')
  const own = await createAdmission({ clusterKey: key }, ctx)
  assert.equal(own.mode, 'closed')
  assert.equal((await verifyCertificate(own.certificate as Uint8Array, { clusterKey: key.publicKey, peer: self, cluster: 'c1' })).ok, true)
  const invited = await createAdmission({ certificate: await issueCertificate(key, { peer: self, validForMs: 60_000 }) }, ctx)
  assert.equal(invited.status().clusterKey, own.status().clusterKey)
  await assert.rejects(createAdmission({ certificate: await issueCertificate(key, { peer: await peer() }) }, ctx), /is for peer .*meshkv cluster invite/)
  await assert.rejects(createAdmission({ certificate: await issueCertificate(key, { peer: self, cluster: 'c2' }) }, ctx), /cluster "c2"/)
  await assert.rejects(createAdmission({ certificate: await issueCertificate(key, { peer: self, validForMs: 1, now: 1_000 }) }, ctx), /expired/)
  await assert.rejects(createAdmission({ clusterKey: await newClusterKey(), certificate: await issueCertificate(key, { peer: self }) }, ctx), /another cluster key/)
  await assert.rejects(createAdmission({ certificate: new Uint8Array([1, 2, 3]) }, ctx), { code: 'ERR_INVALID_ARGUMENT' })
  // revocations are kept in the data dir: a new Admission on it knows them
  const revoked = await peer()
  await own.revoke(await issueRevocation(key, revoked))
  const again = await createAdmission({ clusterKey: key }, ctx)
  await again.start()
  assert.equal(again.isRevoked(revoked), true)
})
