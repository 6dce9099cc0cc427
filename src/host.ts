/**
 * The libp2p host every meshkv peer runs: its transports, noise, yamux,
 * identify, ping and gossipsub. One definition, shared by the node and by
 * benchmarks that need a bare host with the same stack.
 */
import './shim.js'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import { DEFAULT_LISTEN, transports } from './transports.js'
import { mdnsService } from './discovery/mdns-service.js'
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
  /** kad-dht on this protocol (src/discovery/); absent, no DHT */
  dht?: DhtInit
  /** mDNS on the LAN with this service tag (src/discovery/cluster-key.ts); absent, no mDNS */
  mdns?: MdnsInit
}

export interface DhtInit {
  /** the DHT's protocol: peers of other DHTs (the public one) are not in ours */
  protocol: string
  /** only ask, never answer (a peer others cannot dial); default false: a server */
  clientMode?: boolean
}

export interface MdnsInit {
  serviceTag: string
  /** period of the LAN query (ms; default 10 s) */
  intervalMs?: number
}

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
      ...dhtService(init.dht),
      ...mdnsService(init.mdns)
    },
    logger: init.logger,
    start: init.start
  })
}

/**
 * The cluster's DHT. A server by default, and explicitly so: kad-dht's
 * automatic mode waits for a public address, and peers on a LAN or on one
 * host never get one. Addresses pass unfiltered: private and loopback ones
 * are how peers of a LAN (or a test) reach each other, and a dialler tries
 * the others too.
 */
function dhtService (init: DhtInit | undefined): { dht?: ReturnType<typeof kadDHT> } {
  if (init === undefined) return {}
  return { dht: kadDHT({ protocol: init.protocol, clientMode: init.clientMode ?? false, peerInfoMapper: passthroughMapper }) }
}
