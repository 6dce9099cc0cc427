/**
 * How a tab's connection reaches its peer, read off the connection's remote
 * multiaddr, for the demo page: WebSockets (to a daemon), relayed (through a
 * daemon's circuit relay: limited, for signalling) or direct WebRTC (tab to
 * tab; its address still names the relay it was signalled through).
 */
export type ConnectionKind = 'direct WebRTC' | 'relayed' | 'WebSockets' | 'other'

/** Matched by whole address components, never by substring: a host named webrtc.example.com is no WebRTC connection. */
export function connectionKind (addr: string, limited: boolean): ConnectionKind {
  const parts = addr.split('/')
  // a WebRTC connection's address is /…/p2p-circuit/webrtc/p2p/<id> (or /webrtc-direct/…): the last transport wins
  const last = Math.max(parts.lastIndexOf('webrtc'), parts.lastIndexOf('webrtc-direct'), parts.lastIndexOf('p2p-circuit'))
  if (last >= 0 && parts[last] !== 'p2p-circuit' && !limited) return 'direct WebRTC'
  if (last >= 0 || limited) return 'relayed'
  if (parts.includes('ws') || parts.includes('wss')) return 'WebSockets'
  return 'other'
}
