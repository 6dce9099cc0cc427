/**
 * What a node is started with (NodeOptions) and what `status()` reports
 * (NodeStatus): the node's public shapes, apart from the composition in
 * node.ts.
 */
import type { Quorums } from './coordinator/coordinator.js'
import type { MemberStatusInfo } from './membership/membership.js'
import type { TombstoneStatus } from './tombstones/collector.js'
import type { AntiEntropyStatus } from './antientropy/anti-entropy.js'
import type { TransferStatus } from './handoff/transfer-manager.js'
import type { AdmissionStatus } from './admission/admission.js'
import type { PrivateKey } from '@libp2p/interface'
import type { RequestLog } from './observability/request-log.js'
import type { HostInit } from './host.js'
import type { ReachInit } from './reach/reach-init.js'
import type { ReachStatus } from './reach/reach-status.js'
import type { DiscoveryStatus } from './discovery/discovery.js'

export interface NodeOptions {
  /** directory of this peer's LevelDB (records and identity key) */
  dataDir: string
  /** cluster name: peers only talk kv and membership within their cluster */
  cluster?: string
  /** multiaddrs to listen on (default: TCP and WebSockets on 127.0.0.1, random ports) */
  listen?: string[]
  /** multiaddrs (with /p2p/<id>) of peers to join through */
  bootstrap?: string[]
  /**
   * relative capacity; ring tokens are proportional to it. 0: the peer
   * coordinates requests with the cluster's view but holds no share and is
   * no member (a browser tab's default)
   */
  capacity?: number
  zone?: string
  /**
   * replicas per key, read quorum, write quorum. n and tokensPerUnit are the
   * cluster's: left unset, they are adopted from the cluster (and r, w left
   * unset follow n as a majority); set, a peer that set others is refused.
   */
  n?: number
  r?: number
  w?: number
  maxValueBytes?: number
  /** fsync each write before acknowledging it */
  fsync?: boolean
  tokensPerUnit?: number
  /** membership probe period (ms) */
  heartbeatMs?: number
  /** how long a suspect member has to refute before it is down (ms) */
  memberTimeoutMs?: number
  /** period of the full membership announcement (ms) */
  announceMs?: number
  /**
   * one periodic announcement in this many carries this peer's ring tokens
   * (default 4; the others, their digest). A member tab sets 1: an observer
   * tab, which cannot ask for tokens, then has them within one period
   */
  fullAnnounceEvery?: number
  /** phi above which a watched member is suspect */
  phiThreshold?: number
  requestTimeoutMs?: number
  /** a delete is collected once every owner has it and it is this old (ms); more than the hint max age */
  tombstoneGraceMs?: number
  /** period of the tombstone collection pass (ms) */
  tombstoneScanMs?: number
  /** period of the background anti-entropy exchange with one co-replica (ms); 0 disables it */
  antiEntropyIntervalMs?: number
  /** bytes per second anti-entropy may use, both ways (0: unlimited) */
  antiEntropyBytesPerSec?: number
  /** how long a fresh peer waits to hear the cluster's ring before it chooses its tokens and joins (ms) */
  joinWaitMs?: number
  /** record bytes asked for in one range-transfer batch */
  transferBatchBytes?: number
  /** how long the ring must stay the same before keys this peer no longer owns are handed over and dropped (ms) */
  dropAfterStableMs?: number
  /** keys handed over and dropped per second at most */
  dropRate?: number
  /** hinted handoff: most hints held for absent owners (default DEFAULT_MAX_HINTS) */
  maxHints?: number
  /** hinted handoff: age after which an undelivered hint is dropped (ms, default 3 h) */
  hintMaxAgeMs?: number
  /**
   * bytes of records kept for keys this peer reads or writes without being
   * their replica (a capacity-0 node's, mostly), so that the next read of
   * one asks the replicas for it by digest (src/coordinator/record-cache.ts;
   * default 16 MiB, 0 keeps none)
   */
  recordCacheBytes?: number
  /**
   * bytes of recently read records this replica keeps decoded, so that a
   * read of a hot key skips LevelDB and the decode (src/store/hot-records.ts;
   * default 16 MiB, 0 keeps none)
   */
  storeCacheBytes?: number
  /** closed cluster: the cluster key; this peer certifies itself with it (src/admission/) */
  clusterKey?: PrivateKey
  /** closed cluster: this peer's membership certificate (`meshkv cluster invite`); neither this nor clusterKey: an open cluster */
  certificate?: Uint8Array
  /** circuit breaker: consecutive timeouts to a peer that stop requests to it (default 5; 0 disables breakers) */
  breakerFailures?: number
  /** circuit breaker: how long requests to such a peer fail at once before one probes it (ms, default 2000; doubles after a failed probe, up to 30 s) */
  breakerOpenMs?: number
  /** structured lines about client requests, with their request id as `req`, on every peer that handles one (debug) */
  requestLog?: RequestLog
  /** OTLP/HTTP collector (`http://host:4318`) spans are exported to; unset, tracing is off */
  otlpEndpoint?: string
  /** libp2p's own metrics implementation (the daemon passes @libp2p/prometheus-metrics, src/daemon/prometheus.ts) */
  libp2pMetrics?: HostInit['metrics']
  /** relay server and reservations, AutoNAT, DCUtR, UPnP, WebRTC (src/reach/reach-init.ts) */
  reach?: ReachInit
  /** period of the bucket refresh: catalog read, usage counted, published and summed (ms); quota enforcement lags by about two */
  bucketRefreshMs?: number
  /** find peers of this cluster on the LAN by mDNS (default false for a library node; the daemon's config turns it on) */
  mdns?: boolean
  /** period of the mDNS query (ms, default 10 s) */
  mdnsIntervalMs?: number
  /** kad-dht: members provide the cluster's key, a lone peer searches it, lost members are looked up (default true) */
  dht?: boolean
  /** the DHT's protocol (default DEFAULT_DHT_PROTOCOL); peers with another one do not share a DHT */
  dhtProtocol?: string
  /** DHT client only: asks, never answers (default false: a server) */
  dhtClientMode?: boolean
}

/** Hinted handoff as `status` shows it. */
export interface HintStatus {
  /** hints held for absent owners */
  pending: number
  byOwner: Record<string, number>
  delivered: number
  /** deliveries that failed and are retried */
  failed: number
  /** hints dropped undelivered past hintMaxAgeMs */
  expired: number
  /** keys dropped after their hints were delivered (this peer was not an owner) */
  droppedKeys: number
  maxHints: number
}

export interface NodeStatus {
  peerId: string
  cluster: string
  multiaddrs: string[]
  quorums: Quorums
  /** each member with this peer's phi for it (when it watches it) and its share of the ring (when in it) */
  members: Array<MemberStatusInfo & { share?: number }>
  /** direct liveness probes: pings sent and answered, members watched, and this peer's local health (0 healthy; above 0 it shows signs of being slow itself and needs more evidence before it accuses) */
  probes: { sent: number, answered: number, watched: number, localHealth: number }
  ringSize: number
  tokensPerUnit: number
  /** deletes still stored (as of the last collection pass), collected since start, when the last pass ended */
  tombstones: TombstoneStatus
  /** Merkle anti-entropy: index, exchanges, repairs (absent before start) */
  antiEntropy?: AntiEntropyStatus
  /** range transfer: join progress, a leave's push, keys handed over and dropped */
  transfer?: TransferStatus
  hints?: HintStatus
  /** open or closed cluster, the cluster key's id, this peer's certificate expiry, revocations known */
  admission?: AdmissionStatus
  /** peers whose circuit breaker is open or half-open (absent: all closed) */
  breakers?: Record<string, { state: 'open' | 'half-open' | 'closed', failures: number, retryInMs: number }>
  /** reachability (AutoNAT), relay, and whether each connection is relayed or direct (absent before start) */
  reach?: ReachStatus
  /** how this peer finds the cluster besides its bootstrap list: DHT, mDNS, the members it remembers */
  discovery?: DiscoveryStatus
}
