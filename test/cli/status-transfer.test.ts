/** `meshkv status` prints the transfer line: a join's pulls, a leave's pushes, keys handed over. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatStatus } from '../../src/cli/status.js'

const base = { peerId: 'P', cluster: 'c', multiaddrs: [], quorums: { n: 3, r: 2, w: 2 }, ringSize: 3, members: [] }

test('status shows a join in progress, a leave, and keys handed over', () => {
  const joining = formatStatus({ ...base, transfer: { state: 'joining', arcsDone: 2, arcsTotal: 7, arcsFailed: 0, keys: 40, bytes: 5120, dropped: 0 } })
  assert.match(joining, /^transfer {2}joining, arcs 2\/7, pulled 40 keys, 5120 bytes$/m)
  const leaving = formatStatus({ ...base, transfer: { state: 'leaving', arcsDone: 0, arcsTotal: 0, arcsFailed: 0, keys: 0, bytes: 0, dropped: 3, leave: { pushed: 10, total: 12, failed: 1 } } })
  assert.match(leaving, /^transfer {2}leaving, pushed 10\/12 keys \(1 failed\), handed over and dropped 3 keys$/m)
  assert.doesNotMatch(formatStatus(base), /transfer/)
})
