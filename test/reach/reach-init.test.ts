/** Which peers serve relay and reserve on one, from their listen addresses; the lab's STUN responder's answers. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isPublicListen, reservesRelay, servesRelay } from '../../src/reach/reach-init.js'
import { bindingResponse } from '../fixtures/stun-server.js'
import { CHECKS } from '../../src/daemon/config-keys.js'

test('publicly routable listen addresses', () => {
  for (const a of ['/ip4/11.1.0.10/tcp/7000', '/ip4/203.0.114.1/tcp/1', '/ip6/2001:db8::1/tcp/7000', '/dns4/peer.example.net/tcp/7000']) assert.equal(isPublicListen(a), true, a)
  for (const a of ['/ip4/127.0.0.1/tcp/0', '/ip4/0.0.0.0/tcp/7000', '/ip4/10.1.2.3/tcp/1', '/ip4/192.168.1.10/tcp/1', '/ip4/172.20.0.1/tcp/1', '/ip4/100.64.0.1/tcp/1', '/ip4/169.254.1.1/tcp/1', '/ip6/::1/tcp/1', '/ip6/fe80::1/tcp/1', '/ip6/fd00::1/tcp/1', 'not a multiaddr']) assert.equal(isPublicListen(a), false, a)
})

test('relay: a public peer serves, a NATed one reserves, a loopback one does neither (auto); explicit settings win', () => {
  const pub = ['/ip4/11.1.0.10/tcp/7000']
  const lan = ['/ip4/192.168.1.10/tcp/7000']
  const loop = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
  assert.deepEqual([servesRelay({}, pub), reservesRelay({}, pub)], [true, false])
  assert.deepEqual([servesRelay({}, lan), reservesRelay({}, lan)], [false, true])
  assert.deepEqual([servesRelay({}, loop), reservesRelay({}, loop)], [false, false])
  assert.deepEqual([servesRelay({ relayServer: true }, loop), reservesRelay({ relayReservation: true }, pub)], [true, true])
  assert.deepEqual([servesRelay({ relayServer: false }, pub), reservesRelay({ relayReservation: false }, lan)], [false, false])
})

test('the STUN responder answers a Binding request with the XOR-mapped address, and nothing else', () => {
  const req = Buffer.alloc(20)
  req.writeUInt16BE(0x0001, 0)
  req.writeUInt32BE(0x2112a442, 4)
  req.fill(7, 8)
  const res = bindingResponse(req, '11.2.0.1', 40000)
  assert.ok(res !== undefined)
  assert.equal(res.readUInt16BE(0), 0x0101)
  assert.equal(res.readUInt16BE(2), res.length - 20)
  assert.deepEqual(res.subarray(8, 20), req.subarray(8, 20))
  assert.equal(res.readUInt16BE(20), 0x0020)
  assert.equal(res.readUInt16BE(26) ^ 0x2112, 40000)
  assert.equal((res.readUInt32BE(28) ^ 0x2112a442) >>> 0, (11 << 24 | 2 << 16 | 0 << 8 | 1) >>> 0)
  assert.equal(bindingResponse(Buffer.alloc(10), '11.2.0.1', 1), undefined)
  const notBinding = Buffer.from(req)
  notBinding.writeUInt16BE(0x0101, 0)
  assert.equal(bindingResponse(notBinding, '11.2.0.1', 1), undefined)
})

test('reach config keys: clear errors for bad values', () => {
  assert.equal(CHECKS.relayServer('auto', 'relayServer'), 'auto')
  assert.equal(CHECKS.relayServer(true, 'relayServer'), true)
  assert.throws(() => CHECKS.relayServer('yes', 'relayServer'), /relayServer.*"auto", true or false/s)
  assert.deepEqual(CHECKS.iceServers(['stun:11.1.0.10:3478'], 'iceServers'), ['stun:11.1.0.10:3478'])
  assert.throws(() => CHECKS.iceServers(['http://x'], 'iceServers'), /iceServers\[0\]/)
  assert.throws(() => CHECKS.relayDataBytes(10, 'relayDataBytes'), /relayDataBytes/)
})
