/**
 * The libp2p host every meshkv peer runs: its transports, noise, yamux,
 * identify, ping and gossipsub. One definition, shared by the node and by
 * benchmarks that need a bare host with the same stack.
 */
import './shim.js'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { yamux } from '@libp2p/yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { createLibp2p } from 'libp2p'
import { DEFAULT_LISTEN, platformHost, transports } from './transports.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Ping } from '@libp2p/ping'
import type { ComponentLogger, Libp2p, PrivateKey } from '@libp2p/interface'

export type MeshHost = Libp2p<{ pubsub: GossipSub, ping: Ping }>

export interface HostInit {
  /** the peer's identity; a new one when absent */
  privateKey?: PrivateKey
  listen?: string[]
  logger?: ComponentLogger
  /** start listening before returning (default true) */
  start?: boolean
  /** gossipsub's own heartbeat (mesh upkeep, gossip) in ms; libp2p's default 1000 */
  gossipHeartbeatMs?: number
  /**
   * Run a circuit relay v2 server: browser tabs reserve a slot on it and
   * signal their WebRTC connections to each other through it (`daemon --web`)
   */
  relayServer?: boolean
}

/** tabs a relaying daemon keeps a slot for (libp2p's default is 15) */
const RELAY_MAX_RESERVATIONS = 256

export async function createHost (init: HostInit = {}): Promise<MeshHost> {
  return createLibp2p({
    privateKey: init.privateKey,
    addresses: { listen: init.listen ?? DEFAULT_LISTEN },
    transports: transports(),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // A ping failure must not tear down a connection that carries kv streams:
    // a ping right after a dial can leave a stuck stream in libp2p 3.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    services: {
      identify: identify(),
      // membership probes members with pings (src/membership/prober.ts) while
      // libp2p's connection monitor pings too: one stream each way, the
      // default, makes the second fail, and a stuck one would block the rest
      ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 8 }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // spread, not `heartbeatInterval: undefined`: an explicit undefined replaces gossipsub's default
        ...(init.gossipHeartbeatMs === undefined ? {} : { heartbeatInterval: init.gossipHeartbeatMs }),
        // gossipsub's IP colocation penalty graylists every peer past the
        // tenth on one address, so an eleventh daemon on one machine or
        // behind one NAT would never be heard. Who may join is decided by
        // the cluster, not by address diversity.
        scoreParams: { IPColocationFactorWeight: 0 }
      }),
      ...(init.relayServer === true ? { relay: circuitRelayServer({ reservations: { maxReservations: RELAY_MAX_RESERVATIONS } }) } : {})
    },
    // what the platform adds (transports.browser.ts: which dials a tab may make, which addresses it announces)
    ...platformHost(),
    logger: init.logger,
    start: init.start
  })
}
