/**
 * Tabs that are members reach each other directly over WebRTC: a member
 * announces its `/p2p-circuit/webrtc` address (signalled through a daemon's
 * relay), and of each pair of tabs the one with the smaller peer id dials
 * the other when they have no full (not relay-limited) connection. An
 * observer tab (capacity 0) is announced to nobody, so it dials the members
 * itself. Without this, two tabs would only ever talk through the daemons.
 */
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import type { MeshNode } from '../node.js'

/** WebRTC dials in flight at once */
const MAX_DIALS = 4

export class WebRtcMesh {
  private timer?: ReturnType<typeof setInterval>
  private readonly dialing = new Set<string>()

  private readonly log = defaultLogger().forComponent('meshkv:webrtc-mesh')

  constructor (private readonly node: MeshNode, private readonly observer: boolean, private readonly periodMs: number) {}

  start (): void {
    this.timer = setInterval(() => { this.keep() }, this.periodMs)
    this.keep()
  }

  stop (): void {
    clearInterval(this.timer)
  }

  keep (): void {
    const self = this.node.peerId
    const libp2p = this.node.libp2p
    this.log('members %s', this.node.members().map(m => `${m.id} ${m.state} ${m.addrs.length}`).join(', '))
    for (const m of this.node.members()) {
      if (this.dialing.size >= MAX_DIALS) return
      if (m.id === self || m.state === 'down' || this.dialing.has(m.id)) continue
      if (!this.observer && self > m.id) continue
      const addrs = m.addrs.filter(a => a.includes('/p2p-circuit/webrtc')).map(a => multiaddr(a.includes(`/p2p/${m.id}`) ? a : `${a}/p2p/${m.id}`))
      if (addrs.length === 0) continue
      if (libp2p.getConnections().some(c => c.remotePeer.toString() === m.id && c.limits == null)) continue
      this.dialing.add(m.id)
      // every WebRTC address (one per relay address of the daemon: some, TCP ones, a tab cannot reach the relay by)
      libp2p.dial(addrs, { signal: AbortSignal.timeout(4 * DEFAULT_DIAL_TIMEOUT_MS) })
        .catch((err: Error) => { this.log('WebRTC dial to %s failed: %s', m.id, err.message) })
        .finally(() => { this.dialing.delete(m.id) })
    }
  }
}
