/** Defaults and limits shared by the node, daemon and CLI. */

/** Replication defaults for a cluster (a lone peer uses 1/1/1, see configs/). */
export const DEFAULT_N = 3
export const DEFAULT_R = 2
export const DEFAULT_W = 2

/** Virtual nodes (ring tokens) per unit of declared capacity. */
export const DEFAULT_TOKENS_PER_UNIT = 128
export const DEFAULT_CAPACITY = 1

export const DEFAULT_CLUSTER = 'default'

/** Largest value accepted by put (bytes); larger ones get PayloadTooLarge. */
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024
/** Largest key (UTF-8 bytes). */
export const MAX_KEY_BYTES = 1024
/** Largest encoded causal context accepted from a client (bytes of text). */
export const MAX_CONTEXT_CHARS = 64 * 1024
/** Largest number of siblings kept for one key before the write is refused. */
export const MAX_SIBLINGS = 64

/** Protocol frame bound: a record of MAX_SIBLINGS at the value limit would be
 * larger, so records are bounded by this too (MAX_RECORD_BYTES). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024
/** Room in a frame for what travels with a record (id, type, key up to
 * MAX_KEY_BYTES, status, timeout: a few bytes of protobuf each). */
export const RECORD_FRAME_HEADROOM = 16 * 1024
/** Largest encoded record a replica stores: one that fits in a SYNC request
 * or a GET reply. A write or merge that would make a larger one is refused. */
export const MAX_RECORD_BYTES = MAX_FRAME_BYTES - RECORD_FRAME_HEADROOM
/** Requests in flight on one peer's stream before callers wait. */
export const MAX_INFLIGHT_PER_PEER = 1024
/** Requests a handler runs at once per inbound stream. */
export const MAX_CONCURRENT_HANDLING = 256

/** Most record writes the store sends to LevelDB in one batch (group commit). */
export const MAX_WRITE_BATCH = 256
/**
 * Most record writes, and bytes of them, waiting for the store's next
 * LevelDB batch; past either a write is refused (WriteQueueFullError,
 * ERR_OVERLOADED). Room for 16 full batches; the bytes bound holds a
 * record of MAX_RECORD_BYTES many times over, and an empty queue always
 * takes one.
 */
export const MAX_QUEUED_WRITES = 16 * MAX_WRITE_BATCH
export const MAX_QUEUED_WRITE_BYTES = 64 * 1024 * 1024

/** Writes a replica remembers having applied, against retries (count, ms). */
export const APPLIED_WRITES_MAX = 65_536
export const APPLIED_WRITES_TTL_MS = 10 * 60_000

/** Hedged writes: the shortest silence after which the next replica is tried beside one (ms). */
export const HEDGE_MIN_MS = 50
/**
 * Reads: the same, lower. A hedged read costs one GET more, not a second
 * mint, and a read that asks R replicas waits for the slowest of them.
 */
export const READ_HEDGE_MIN_MS = 10

/** Hinted handoff: most hints a peer holds for absent owners; past it, new hints are refused. */
export const DEFAULT_MAX_HINTS = 100_000
/** Hinted handoff: age after which an undelivered hint is dropped (ms); tombstone grace must exceed it. */
export const DEFAULT_HINT_MAX_AGE_MS = 3 * 60 * 60_000
/** Hinted handoff: period of the delivery retry (ms); membership changes wake it sooner. */
export const HINT_DELIVERY_PERIOD_MS = 2_000

/** Deadlines (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000
export const DEFAULT_REPLICA_TIMEOUT_MS = 3_000
export const DEFAULT_DIAL_TIMEOUT_MS = 3_000
/** Discovery: the DHT meshkv peers share (of every cluster: any one of them leads to the members of any cluster). */
export const DEFAULT_DHT_PROTOCOL = '/meshkv/kad/1.0.0'
/**
 * members a peer picks to dial on its own besides its 4 ring neighbours
 * (others may still dial it): about 2 x (4 + 6) connections a peer whatever
 * the cluster's size, not a full mesh (src/membership/connector.ts)
 */
export const DEFAULT_MAX_DIALED_MEMBERS = 6

/** Membership: the probe period (each watched member is pinged this often). */
export const DEFAULT_HEARTBEAT_MS = 1_000
/** Membership: how long a suspect member has to refute before it is down. */
export const DEFAULT_MEMBER_TIMEOUT_MS = 3_000
/** Membership: period of each peer's full announcement (heals missed messages). */
export const DEFAULT_ANNOUNCE_MS = 30_000
/** Membership: phi above which a watched member is suspect (Cassandra's default). */
export const DEFAULT_PHI_THRESHOLD = 8

/**
 * 2.0.0: PUT replies carry the stored record; records carry write ids and
 * replaced writes. A 1.0.0 peer would misread both, so the two do not talk.
 */
export function kvProtocol (cluster: string): string {
  return `/meshkv/${cluster}/kv/2.0.0`
}

/** Anti-entropy: period of the background exchange with one co-replica (ms); 0 disables it. */
export const DEFAULT_ANTI_ENTROPY_INTERVAL_MS = 60_000
/** Anti-entropy: bytes per second an exchange may use, both ways together (0: unlimited). */
export const DEFAULT_ANTI_ENTROPY_BYTES_PER_SEC = 1024 * 1024

export function aeProtocol (cluster: string): string {
  return `/meshkv/${cluster}/ae/1.0.0`
}

export function membershipTopic (cluster: string): string {
  return `/meshkv/${cluster}/membership/1.0.0`
}

/**
 * Tombstone collection: a delete is collected once every owner has it and
 * it is older than the grace (ms). The grace must exceed the age after which
 * hints are dropped, so no hint of an older write can arrive after its
 * delete was collected (docs/architecture.md, "Deletes").
 */
export const DEFAULT_TOMBSTONE_GRACE_MS = 24 * 3_600_000
/** Period of the tombstone collection pass (ms). */
export const DEFAULT_TOMBSTONE_SCAN_MS = 10 * 60_000
/** Keys a collection pass checks with their owners, at most, and at once. */
export const TOMBSTONE_CHECKS_PER_PASS = 1_000
export const TOMBSTONE_CHECK_CONCURRENCY = 4
/** Down members forgotten by the view that collection still counts as owners, at most. */
export const TOMBSTONE_FORMER_MEMBERS_MAX = 1_024
/** Range transfer on join and leave (src/handoff/). */
export function transferProtocol (cluster: string): string {
  return `/meshkv/${cluster}/transfer/1.0.0`
}
/** how long a fresh peer waits to hear the cluster's ring before choosing its tokens (ms) */
export const DEFAULT_JOIN_WAIT_MS = 5_000
/** record bytes a joiner asks for in one transfer batch */
export const DEFAULT_TRANSFER_BATCH_BYTES = 1024 * 1024
/** deadline of one transfer batch (ms) */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 15_000
/** how long the ring must stay the same before keys this peer no longer owns are handed over and dropped (ms) */
export const DEFAULT_DROP_AFTER_STABLE_MS = 30_000
/** keys handed over and dropped per second at most */
export const DEFAULT_DROP_RATE = 200
/** the longest a leave (push to new owners, announce, push again) may take before the peer stops anyway (ms) */
export const DEFAULT_LEAVE_TIMEOUT_MS = 60_000
/** circuit breaker: consecutive timeouts (or failed dials) to a peer that open its breaker */
export const DEFAULT_BREAKER_FAILURES = 5
/** circuit breaker: how long an open breaker refuses before a half-open probe (ms) */
export const DEFAULT_BREAKER_OPEN_MS = 2_000
/** circuit breaker: the longest it stays open after failed probes (ms) */
export const BREAKER_MAX_OPEN_MS = 30_000
/** HTTP API: client requests in flight at once before more are answered 429 */
export const DEFAULT_MAX_INFLIGHT = 512
/** HTTP API: clients (addresses) whose rate is tracked at once */
export const MAX_RATE_LIMITED_CLIENTS = 10_000

// --- reach: relay, AutoNAT, DCUtR, WebRTC (src/reach/) ---
/** reservations a relay-serving peer holds at once */
export const DEFAULT_RELAY_MAX_RESERVATIONS = 32
/** how long one relayed connection may last before the relay closes it (ms); DCUtR or WebRTC should have made it direct by then */
export const DEFAULT_RELAY_DURATION_MS = 2 * 60_000
/**
 * bytes one relayed connection may carry (each way) before the relay closes
 * it. Every stream to a NATed member shares its one relayed connection (kv,
 * anti-entropy, transfer batches of up to 1 MiB), so the limit holds many of
 * the largest values (DEFAULT_MAX_VALUE_BYTES): at 1 MiB a value near that
 * size could never cross a relay, and each reset fails what is in flight.
 */
export const DEFAULT_RELAY_DATA_BYTES = 16 * 1024 * 1024
/** deadline of one WebRTC upgrade of a relayed connection (ms) */
export const DIRECT_UPGRADE_TIMEOUT_MS = 15_000
/** a peer whose WebRTC upgrade failed is tried again after this long (ms) */
export const DIRECT_UPGRADE_RETRY_MS = 30_000

/** Period of the bucket refresh (src/buckets/registry.ts): properties changed elsewhere and usage are seen within it (ms). */
export const DEFAULT_BUCKET_REFRESH_MS = 5_000

/** browser: most writes a tab queues while no peer is reachable */
export const DEFAULT_MAX_PENDING_WRITES = 1000
/** browser: most bytes a tab's queued writes take (values and contexts, as stored): they are held in memory too */
export const DEFAULT_MAX_PENDING_BYTES = 32 * 1024 * 1024
/** browser: most keys whose last seen values a tab keeps for reads while offline */
export const DEFAULT_MAX_CACHED_KEYS = 10_000
/** browser: how often a tab retries its queued writes (ms) */
export const DEFAULT_PENDING_RETRY_MS = 1000
/** browser: how long a tab waits for its local store (IndexedDB) to open before its start fails (ms) */
export const DEFAULT_BROWSER_OPEN_TIMEOUT_MS = 10_000
/** browser: how long a tab waits for its node to start (its replica store opened, libp2p listening) before its start fails (ms) */
export const DEFAULT_BROWSER_START_TIMEOUT_MS = 15_000

/** Bytes of recently read records a replica keeps decoded (src/store/hot-records.ts). */
export const DEFAULT_STORE_CACHE_BYTES = 16 * 1024 * 1024

/** Bytes of records a peer keeps for keys it coordinates without being their replica (src/coordinator/record-cache.ts). */
export const DEFAULT_RECORD_CACHE_BYTES = 16 * 1024 * 1024
