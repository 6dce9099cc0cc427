import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatStatus } from '../../src/cli/status.js'

test('meshkv status prints the hints held for owners that were down, by owner', () => {
  const out = formatStatus({
    peerId: 'self-peer-id',
    cluster: 'c',
    multiaddrs: [],
    quorums: { n: 3, r: 2, w: 2 },
    ringSize: 4,
    members: [],
    hints: { pending: 3, byOwner: { '12D3KooWownerAAAAAAAA': 2, '12D3KooWownerBBBBBBBB': 1 }, delivered: 7, failed: 1, expired: 0, droppedKeys: 5 }
  })
  assert.match(out, /^hints +3 pending \(AAAAAAAA: 2, BBBBBBBB: 1\), 7 delivered, 1 failed deliveries, 0 expired, 5 keys handed off and dropped$/m)
})
