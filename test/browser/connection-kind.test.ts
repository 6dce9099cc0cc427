/**
 * How the demo page names a connection (src/browser/connection-kind.ts),
 * from the remote multiaddrs a tab's connections really have: WebSockets to
 * a daemon, relayed through its circuit relay, WebRTC signalled through it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connectionKind } from '../../src/browser/connection-kind.js'

const RELAY = '12D3KooWRelayRelayRelayRelayRelayRelayRelayRelayRela'
const TAB = '12D3KooWTabTabTabTabTabTabTabTabTabTabTabTabTabTabTa'

test('WebSockets, relayed and direct WebRTC, from the connection\'s address', () => {
  assert.equal(connectionKind(`/ip4/127.0.0.1/tcp/7102/ws/p2p/${RELAY}`, false), 'WebSockets')
  assert.equal(connectionKind(`/dns4/kv.example.com/tcp/443/tls/ws/p2p/${RELAY}`, false), 'WebSockets')
  assert.equal(connectionKind(`/dns4/kv.example.com/tcp/443/wss/p2p/${RELAY}`, false), 'WebSockets')
  assert.equal(connectionKind(`/ip4/127.0.0.1/tcp/7102/ws/p2p/${RELAY}/p2p-circuit/p2p/${TAB}`, true), 'relayed')
  assert.equal(connectionKind(`/ip4/127.0.0.1/tcp/7102/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${TAB}`, false), 'direct WebRTC')
  assert.equal(connectionKind(`/ip4/10.0.0.2/udp/4001/webrtc-direct/certhash/uEiA/p2p/${TAB}`, false), 'direct WebRTC')
  assert.equal(connectionKind(`/ip4/127.0.0.1/tcp/7101/p2p/${RELAY}`, false), 'other')
})

test('matched by address component, not by substring of a host name', () => {
  // a daemon behind a host whose name starts with "webrtc" or "ws" is reached over WebSockets all the same
  assert.equal(connectionKind(`/dns4/webrtc-gateway.example.com/tcp/443/wss/p2p/${RELAY}`, false), 'WebSockets')
  assert.equal(connectionKind(`/dns4/p2p-circuit.example.com/tcp/443/wss/p2p/${RELAY}`, false), 'WebSockets')
  assert.equal(connectionKind(`/dns4/wsgate.example.com/tcp/4001/p2p/${RELAY}`, false), 'other')
})

test('a limited connection is relayed, whatever its address says', () => {
  assert.equal(connectionKind(`/ip4/127.0.0.1/tcp/7102/ws/p2p/${RELAY}`, true), 'relayed')
})
