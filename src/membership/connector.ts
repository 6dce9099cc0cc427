/**
 * Keeps this peer connected to the bootstrap list and to members. libp2p's
 * bootstrap discovery dials once and never retries, and a member that
 * restarted on a new address is only reached again by dialling it, so each
 * probe period this dials what is due: bootstrap addresses not connected,
 * and the members this peer dials itself (dial-targets.ts: of each pair one
 * side dials): its ring neighbours and a few others picked by rendezvous
 * hashing, not every member. Each connection costs every period (libp2p's
 * connection monitor pings it, gossipsub publishes and gossips over it), so
 * a full mesh made each peer's cost grow with the cluster. One dial per
 * target at a time, each with a deadline.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_DIAL_TIMEOUT_MS } from '../constants.js'
import { DialTargets } from './dial-targets.js'
import type { Libp2p, Logger } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ConnectorInit {
  libp2p: Libp2p
  selfId: string
  bootstrap: Multiaddr[]
  log: Logger
  /** most members this peer picks to dial on its own, besides its ring neighbours */
  maxDialedMembers: number
}

export class Connector {
  private readonly dialing = new Set<string>()
  /** bootstrap address -> the peer id learned on its first dial (an address may omit /p2p/<id>) */
  private readonly learned = new Map<string, string>()
  private readonly dialTargets: DialTargets

  constructor (private readonly init: ConnectorInit) {
    this.dialTargets = new DialTargets(init.selfId)
  }

  /** The members picked (by rendezvous hashing) to keep connected to, of the live ones. */
  picks (live: string[]): string[] {
    return this.dialTargets.pick(live, this.init.maxDialedMembers)
  }

  /** Dial what is due now, given the members that are not down and the neighbours kept besides the picks. */
  keep (live: string[], neighbours: readonly string[] = []): void {
    const { libp2p, selfId } = this.init
    const connected = new Set(libp2p.getConnections().map(c => c.remotePeer.toString()))
    const targets: Array<{ key: string, dial: () => Promise<unknown> }> = []
    for (const ma of this.init.bootstrap) {
      const addr = ma.toString()
      const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value ?? this.learned.get(addr)
      if (id === selfId || (id !== undefined && connected.has(id))) continue
      targets.push({
        key: addr,
        dial: async () => {
          const conn = await libp2p.dial(ma, { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) })
          this.learned.set(addr, conn.remotePeer.toString())
        }
      })
    }
    for (const id of this.dialTargets.due(live, connected, this.init.maxDialedMembers, neighbours)) {
      targets.push({ key: id, dial: async () => libp2p.dial(peerIdFromString(id), { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) }) })
    }
    for (const t of targets) {
      if (this.dialing.has(t.key)) continue
      this.dialing.add(t.key)
      t.dial()
        .catch(err => { this.init.log('dial %s failed: %s', t.key.slice(-8), (err as Error).message) })
        .finally(() => { this.dialing.delete(t.key) })
    }
  }
}
