/**
 * A closed cluster of three real peers under one cluster key, and two
 * outsiders that know the members' addresses: one with no certificate, one
 * with a certificate signed by another key. Neither is listed by any
 * member, reads a member's value or changes one; a revoked member is
 * dropped from every view and refused.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { MeshNode } from '../../src/node.js'
import { newClusterKey } from '../../src/admission/cluster-key.js'
import { issueCertificate } from '../../src/admission/certificate.js'
import { issueRevocation } from '../../src/admission/revocation.js'
import { certProtocol, serveCertificate } from '../../src/admission/cert-exchange.js'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { admissionTopic } from '../../src/admission/revocation-gossip.js'
import { RevocationList, Signed } from '../../src/admission/pb/admission.js'
import { peerIdOfDataDir } from '../../src/cli/id.js'
import { aeProtocol, kvProtocol, membershipTopic } from '../../src/constants.js'
import { MembershipMessage, MemberStatus } from '../../src/membership/pb/heartbeat.js'
import { Request as AeRequest, Response as AeResponse } from '../../src/antientropy/pb/ae.js'
import { PullReply, PullRequest } from '../../src/handoff/pb/transfer.js'
import { RequestType } from '../../src/protocol/request-type.js'
import { encodeFrame, frameDecoder } from '../../src/protocol/frames.js'
import { openRaw } from '../fixtures/raw-stream.js'
import { FAST_MEMBERSHIP, bytes, tempDir, text, waitFor } from '../fixtures/cluster.js'
import type { NodeOptions } from '../../src/node.js'
import type { Libp2p, Stream, StreamMessageEvent } from '@libp2p/interface'

const CLUSTER = 'closed'

async function start (dir: string, bootstrap: string[], extra: Partial<NodeOptions>): Promise<MeshNode> {
  const node = new MeshNode({ dataDir: dir, cluster: CLUSTER, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, ...FAST_MEMBERSHIP, antiEntropyIntervalMs: 0, ...extra })
  await node.start()
  return node
}

/** One frame-level request and its first reply frame, on a protocol a member gates. */
async function ask (libp2p: Libp2p, target: MeshNode, protocol: string, frame: Uint8Array): Promise<Uint8Array> {
  const stream: Stream = await libp2p.dialProtocol(target.libp2p.getMultiaddrs()[0], protocol, { signal: AbortSignal.timeout(5_000) })
  const decoder = frameDecoder(1024 * 1024)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no reply on ${protocol}`)) }, 8_000)
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      for (const f of decoder.decode(evt.data)) { clearTimeout(timer); resolve(f.subarray()); return }
    })
    stream.addEventListener('close', () => { setTimeout(() => { reject(new Error(`stream on ${protocol} closed with no reply`)) }, 50) })
    stream.send(encodeFrame(frame))
  })
}

const ids = (n: MeshNode): string[] => n.members().map(m => m.id).sort()

test('a closed cluster lists, serves and takes writes from its members only; a revoked member is dropped and refused', async (t) => {
  const key = await newClusterKey()
  const otherKey = await newClusterKey()
  const dirs = await Promise.all([1, 2, 3, 4, 5].map(async () => tempDir('meshkv-admission-')))
  const nodes: MeshNode[] = []
  t.after(async () => {
    await Promise.allSettled(nodes.map(async n => { await n.stop({ announce: false }) }))
    await Promise.allSettled(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })
  // member 1 holds the key; members 2 and 3 were invited (their ids read from their data dirs first)
  const m1 = await start(dirs[0], [], { clusterKey: key, n: 3, r: 2, w: 2 })
  nodes.push(m1)
  const boot = [m1.multiaddrs()[0]]
  for (const dir of dirs.slice(1, 3)) {
    const certificate = await issueCertificate(key, { peer: await peerIdOfDataDir(dir), cluster: CLUSTER, validForMs: 3_600_000 })
    nodes.push(await start(dir, boot, { certificate }))
  }
  const members = nodes.slice(0, 3)
  const memberIds = members.map(n => n.peerId).sort()
  await waitFor('3 members up everywhere', () => members.every(n => n.members().filter(m => m.state === 'up').length === 3), 20_000)
  await Promise.all(members.map(async n => { await n.ready() }))
  await m1.put('secret', bytes('members only'))
  assert.equal(m1.status().admission?.mode, 'closed')
  assert.equal(members[1].status().admission?.certExpires !== undefined, true)

  // outsider 1: no certificate (an open-cluster peer); outsider 2: a certificate signed by another key
  const all = members.map(n => n.multiaddrs()[0])
  const noCert = await start(dirs[3], all, { n: 3, r: 2, w: 2 })
  nodes.push(noCert)
  const otherCert = await issueCertificate(otherKey, { peer: await peerIdOfDataDir(dirs[4]), cluster: CLUSTER })
  const wrongKey = await start(dirs[4], all, { certificate: otherCert, n: 3, r: 2, w: 2 })
  nodes.push(wrongKey)
  assert.equal(noCert.status().admission?.mode, 'open')
  // they have heard the members (the open one lists them) and announced themselves for a while
  await waitFor('the open outsider hears the members', () => noCert.members().length >= 4, 15_000)
  await new Promise(resolve => setTimeout(resolve, 2_000))
  for (const m of members) assert.deepEqual(ids(m), memberIds, `${m.peerId} lists only members`)

  // reads and writes through the outsiders' own coordinators reach members and are refused
  const read = await noCert.get('secret').then(() => 'read', (err: Error & { detail?: { failed: Array<{ error: string }> } }) => err)
  assert.notEqual(read, 'read')
  assert.match(JSON.stringify((read as { detail?: unknown }).detail ?? (read as Error).message), /ERR_NOT_A_MEMBER|not a member/)
  await assert.rejects(noCert.put('secret', bytes('overwritten')))
  await assert.rejects(wrongKey.put('secret', bytes('overwritten')))

  // raw kv streams: GET and SYNC and PUT get ERR_NOT_A_MEMBER, before anything is read or stored
  for (const outsider of [noCert, wrongKey]) {
    for (const type of [RequestType.GET, RequestType.PUT, RequestType.SYNC]) {
      const raw = await openRaw(outsider.libp2p, members[1].libp2p.getMultiaddrs()[0], kvProtocol(CLUSTER))
      await raw.sendRequest({ id: 7, type, key: 'secret', value: bytes('overwritten') as Uint8Array<ArrayBuffer>, timeout: 2000 })
      const res = await raw.response(7, 8_000)
      assert.equal(res.code, 'ERR_NOT_A_MEMBER', `type ${type} from ${outsider.peerId}`)
      assert.match(res.message, /is not a member of cluster "closed"/)
      await raw.close()
    }
    const ae = AeResponse.decode(await ask(outsider.libp2p, members[2], aeProtocol(CLUSTER), AeRequest.encode({ id: 3, type: 3, keys: ['secret'], timeout: 1000 })))
    assert.equal(ae.code, 'ERR_NOT_A_MEMBER')
    assert.equal(ae.id, 3)
    const pull = PullReply.decode(await ask(outsider.libp2p, members[2], `/meshkv/${CLUSTER}/transfer/1.0.0`, PullRequest.encode({ arcs: [{ start: 0n, end: 0n }], maxBytes: 1 << 20 })))
    assert.equal(pull.errorCode, 'ERR_NOT_A_MEMBER')
    assert.equal(pull.entries.length, 0)
  }
  for (const m of members) assert.deepEqual((await m.get('secret', { r: 3 })).values.map(text), ['members only'])

  // hostile input: announcements with malformed certificate bytes crash nothing and list nobody
  const hostile = noCert.libp2p.services.pubsub
  for (const cert of [new Uint8Array([0xff, 0x01, 0x02]), new Uint8Array(3000).fill(7), otherCert]) {
    await hostile.publish(membershipTopic(CLUSTER), MembershipMessage.encode({
      announce: { peer: noCert.peerId, addrs: [], capacity: 1, incarnation: 99, status: MemberStatus.UP, zone: '', n: 3, tokensPerUnit: 128, hash: 'xxh64', nSet: true, seq: 1, tokens: [], tokensPerUnitSet: true, known: new Uint8Array(0), cert: cert as Uint8Array<ArrayBuffer> }
    })).catch(() => {})
  }
  // and revocations that do not hold (garbage, another key's) revoke nobody
  const forgedRevocation = Signed.decode(await issueRevocation(otherKey, members[1].peerId))
  for (const data of [new Uint8Array([0xff, 0xff, 0x01]), RevocationList.encode({ revocations: [forgedRevocation] })]) {
    await hostile.publish(admissionTopic(CLUSTER), data).catch(() => {})
  }
  await new Promise(resolve => setTimeout(resolve, 1_000))
  for (const m of members) assert.deepEqual(ids(m), memberIds)
  assert.equal(members.every(m => m.libp2p.status === 'started' && m.status().admission?.revocations === 0), true)

  // a certified peer whose announcement was never heard (a joiner's first pull, a restart): its
  // certificate is fetched over the exchange, and its streams are served
  const quietKey = await generateKeyPair('Ed25519')
  const quiet = await createLibp2p({ privateKey: quietKey, addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
  t.after(async () => { await quiet.stop() })
  const quietCert = await issueCertificate(key, { peer: quiet.peerId.toString(), cluster: CLUSTER })
  await serveCertificate(quiet, certProtocol(CLUSTER), () => quietCert)
  const served = await openRaw(quiet, members[1].libp2p.getMultiaddrs()[0], kvProtocol(CLUSTER))
  await served.sendRequest({ id: 5, type: RequestType.GET, key: 'secret', timeout: 2000 })
  const answer = await served.response(5, 8_000)
  assert.equal(answer.code, '', `served, not refused: ${answer.message}`)
  await served.close()

  // revoke member 3 through member 1: every other member drops it and refuses it
  const revoked = members[2]
  assert.deepEqual(await m1.revoke(await issueRevocation(key, revoked.peerId)), { peer: revoked.peerId, added: true })
  const rest = members.slice(0, 2)
  await waitFor('the revoked member out of every view', () => rest.every(m => !ids(m).includes(revoked.peerId)), 10_000)
  await waitFor('the revocation known everywhere', () => rest.every(m => m.status().admission?.revocations === 1), 10_000)
  // the member hangs up on it: a stream opened as the connection closes may fail, so it tries again
  let code: string | undefined
  for (let i = 0; i < 10 && code === undefined; i++) {
    try {
      const raw = await openRaw(revoked.libp2p, members[1].libp2p.getMultiaddrs()[0], kvProtocol(CLUSTER))
      await raw.sendRequest({ id: 1, type: RequestType.GET, key: 'secret', timeout: 2000 })
      code = (await raw.response(1, 8_000)).code
      await raw.close()
    } catch {
      await new Promise(resolve => setTimeout(resolve, 300))
    }
  }
  assert.equal(code, 'ERR_NOT_A_MEMBER')
  // it stays out: its next announcements are rejected
  await new Promise(resolve => setTimeout(resolve, 1_500))
  for (const m of rest) assert.equal(ids(m).includes(revoked.peerId), false)
  // the cluster still works without it
  await m1.put('after', bytes('still works'), { w: 2 })
})
