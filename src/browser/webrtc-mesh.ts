/**
 * Tabs that are members reach each other directly over WebRTC: a member
 * announces its `/p2p-circuit/webrtc` address (signalled through a daemon's
 * relay), and of each pair of tabs the one with the smaller peer id dials
 * the other when they have no full (not relay-limited) connection. An
 * observer tab (capacity 0) is announced to nobody, so it dials the members
 * itself. Without this, two tabs would only ever talk through the daemons.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import type { MeshNode } from '../node.js'

/** WebRTC dials in flight at once */
const MAX_DIALS = 4

export class WebRtcMesh {
  private timer?: ReturnType<typeof setInterval>
  private readonly dialing = new Set<string>()

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
    for (const m of this.node.members()) {
      if (this.dialing.size >= MAX_DIALS) return
      if (m.id === self || m.state === 'down' || this.dialing.has(m.id)) continue
      if (!this.observer && self > m.id) continue
      const addr = m.addrs.find(a => a.includes('/p2p-circuit/webrtc'))
      if (addr === undefined) continue
      if (libp2p.getConnections().some(c => c.remotePeer.toString() === m.id && c.limits == null)) continue
      this.dialing.add(m.id)
      libp2p.dial(multiaddr(addr.includes(`/p2p/${m.id}`) ? addr : `${addr}/p2p/${m.id}`), { signal: AbortSignal.timeout(4 * DEFAULT_DIAL_TIMEOUT_MS) })
        .catch(() => {})
        .finally(() => { this.dialing.delete(m.id) })
    }
  }
}
