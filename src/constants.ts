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

/** Writes a replica remembers having applied, against retries (count, ms). */
export const APPLIED_WRITES_MAX = 65_536
export const APPLIED_WRITES_TTL_MS = 10 * 60_000

/** Hedged writes: the shortest silence after which the next replica is tried beside one (ms). */
export const HEDGE_MIN_MS = 50

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
/** members a peer dials on its own; others may still dial it */
export const DEFAULT_MAX_DIALED_MEMBERS = 64

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

export function membershipTopic (cluster: string): string {
  return `/meshkv/${cluster}/membership/1.0.0`
}
