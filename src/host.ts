/**
 * The libp2p host every meshkv peer runs: its transports, noise, yamux,
 * identify, ping and gossipsub. One definition, shared by the node and by
 * benchmarks that need a bare host with the same stack.
 */
import './shim.js'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { yamux } from '@libp2p/yamux'
import './yamux-window.js'
import './length-prefix-patch.js'
import './event-dispatch-patch.js'
import './protons-ascii-patch.js'
import { noiseOneWrite } from './noise-one-write.js'
import { noiseCrypto } from './noise-crypto.js'
import { createLibp2p } from 'libp2p'
import { toString } from 'uint8arrays/to-string'
import { reachListen, reachServices, reachTransports } from './reach/services.js'
import type { ReachInit } from './reach/reach-init.js'
import { DEFAULT_LISTEN, platformHost, transports } from './transports.js'
import { dhtService } from './discovery/dht-service.js'
import { mdnsService } from './discovery/mdns-service.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Ping } from '@libp2p/ping'
import type { ComponentLogger, Libp2p, PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

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
  /** libp2p's metrics implementation (e.g. @libp2p/prometheus-metrics with a registry of this host's own) */
  metrics?: Libp2pOptions['metrics']
  /** relay (server and client), AutoNAT, DCUtR, UPnP, WebRTC (src/reach/reach-init.ts); the circuit relay transport is always there */
  reach?: ReachInit
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
  const listen = init.listen ?? DEFAULT_LISTEN
  const reach = init.reach ?? {}
  return createLibp2p({
    privateKey: init.privateKey,
    addresses: { listen: [...listen, ...reachListen(reach, listen)] },
    transports: [...transports(), ...reachTransports(reach)],
    connectionEncrypters: [noiseOneWrite({ crypto: noiseCrypto() })],
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
        scoreParams: { IPColocationFactorWeight: 0 },
        fastMsgIdFn
      }),
      // relay server (daemons; `daemon --web` for browser tabs' WebRTC signalling), AutoNAT, DCUtR, UPnP
      ...reachServices(reach, listen),
      ...dhtService(init.dht),
      ...mdnsService(init.mdns)
    },
    // what the platform adds (transports.browser.ts: which dials a tab may make, which addresses it announces)
    ...platformHost(),
    logger: init.logger,
    metrics: init.metrics,
    start: init.start
  })
}

/**
 * gossipsub verifies a message's signature before it looks the message up in
 * its seen cache, unless it has a fast id to look up first: without one,
 * every copy of every message (one from each mesh peer, about 6) costs an
 * Ed25519 verification, which was the largest CPU cost of an idle peer. The
 * id is (from, seqno), both covered by the signature: a forged copy fails
 * verification and is never cached, so it cannot shadow the real message.
 */
function fastMsgIdFn (msg: { from?: Uint8Array, seqno?: Uint8Array }): string {
  return msg.from === undefined || msg.seqno === undefined ? '' : `${toString(msg.from, 'base64')}:${toString(msg.seqno, 'base64')}`
}
