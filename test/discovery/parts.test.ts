/** The pure parts of discovery: backoff, the remembered-members record, the cluster's names. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { Backoff } from '../../src/discovery/backoff.js'
import { clusterCid, mdnsServiceTag } from '../../src/discovery/cluster-key.js'
import { tempDir } from '../fixtures/cluster.js'
import { bounded, loadKnownPeers, MAX_KNOWN_ADDRS, MAX_KNOWN_PEERS, saveKnownPeers } from '../../src/discovery/known-peers.js'

test('backoff doubles from min to max per key and resets on success', () => {
  const b = new Backoff(1000, 4000)
  assert.ok(b.due('x', 0))
  b.failed('x', 0)
  assert.ok(!b.due('x', 999))
  assert.ok(b.due('x', 1000))
  b.failed('x', 1000)
  assert.ok(!b.due('x', 2999))
  b.failed('x', 3000)
  b.failed('x', 7000)
  assert.ok(!b.due('x', 10_999) && b.due('x', 11_000), 'capped at max')
  b.reset('x')
  assert.ok(b.due('x', 0))
})

test('backoff stays bounded', () => {
  const b = new Backoff(1000, 4000, 3)
  for (let i = 0; i < 10; i++) b.failed(`k${i}`, 0)
  assert.ok(b.due('k0', 0), 'the oldest were forgotten')
  assert.ok(!b.due('k9', 0))
  b.retain(new Set())
  assert.ok(b.due('k9', 0))
})

test('the cluster key and service tag depend on the name only, and differ between clusters', () => {
  assert.equal(clusterCid('a').toString(), clusterCid('a').toString())
  assert.notEqual(clusterCid('a').toString(), clusterCid('b').toString())
  const long = 'x.'.repeat(32)
  assert.match(mdnsServiceTag(long), /^_meshkv-[0-9a-f]{16}\._udp\.local$/)
  assert.notEqual(mdnsServiceTag('a'), mdnsServiceTag('b'))
})

test('remembered members round-trip, bounded; a damaged record is ignored', async () => {
  const dir = await tempDir('meshkv-known-')
  const ds = new LevelDatastore(dir)
  await ds.open()
  try {
    assert.deepEqual(await loadKnownPeers(ds), [])
    const peers = Array.from({ length: MAX_KNOWN_PEERS + 5 }, (_, i) => ({ id: `peer${i}`, addrs: Array.from({ length: MAX_KNOWN_ADDRS + 2 }, (_, j) => `/ip4/127.0.0.1/tcp/${1000 + j}`) }))
    await saveKnownPeers(ds, peers)
    const loaded = await loadKnownPeers(ds)
    assert.equal(loaded.length, MAX_KNOWN_PEERS)
    assert.equal(loaded[0].addrs.length, MAX_KNOWN_ADDRS)
    assert.deepEqual(bounded([{ id: 'p', addrs: ['not a multiaddr', '/ip4/1.2.3.4/tcp/1'] }, { id: '', addrs: ['/ip4/1.2.3.4/tcp/1'] }]), [{ id: 'p', addrs: ['/ip4/1.2.3.4/tcp/1'] }])
    await ds.put(new Key('/meta/known-peers'), new TextEncoder().encode('{not json'))
    assert.deepEqual(await loadKnownPeers(ds), [])
    await ds.put(new Key('/meta/known-peers'), new TextEncoder().encode('[{"id":5,"addrs":"x"}]'))
    assert.deepEqual(await loadKnownPeers(ds), [])
  } finally {
    await ds.close()
    await rm(dir, { recursive: true, force: true })
  }
})
