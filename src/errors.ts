/**
 * One error class per failure a caller can act on. Each has a fixed `name`
 * and a stable `code` (also used on the wire and in HTTP responses).
 */
export type ErrorCode =
  | 'ERR_QUORUM_NOT_MET'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_INVALID_KEY'
  | 'ERR_NOT_A_MEMBER'
  | 'ERR_TIMEOUT'
  | 'ERR_INVALID_CONTEXT'
  | 'ERR_INVALID_CONFIG'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_TOO_MANY_SIBLINGS'
  | 'ERR_RECORD_TOO_LARGE'
  | 'ERR_PROTOCOL'
  | 'ERR_NOT_STARTED'
  | 'ERR_INTERNAL'
  | 'ERR_HINT_REFUSED'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_OVERLOADED'
  | 'ERR_CIRCUIT_OPEN'
  | 'ERR_INVALID_BUCKET'
  | 'ERR_NO_SUCH_BUCKET'
  | 'ERR_QUOTA'
  | 'ERR_QUEUE_FULL'

export class MeshError extends Error {
  readonly code: ErrorCode
  constructor (code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

export interface QuorumDetail {
  /** replies needed */
  required: number
  /** replies received */
  received: number
  /** live replicas that could be asked */
  available?: number
  /** peers that answered in time */
  answered: string[]
  /** peers asked that failed or did not answer, with why */
  failed: Array<{ peer: string, error: string }>
}

export class QuorumNotMetError extends MeshError {
  static readonly code = 'ERR_QUORUM_NOT_MET'
  override name = 'QuorumNotMetError'
  readonly detail: QuorumDetail
  /**
   * `reported`: `op` is already a full message (a peer's, carried over the
   * wire with its detail), so it is kept as it is.
   */
  constructor (op: string, detail: QuorumDetail, options: { reported?: boolean } = {}) {
    super('ERR_QUORUM_NOT_MET', options.reported === true
      ? op
      : `${op}: quorum not met: ${detail.received} of ${detail.required} required replies` +
        (detail.available !== undefined && detail.available < detail.required
          ? `, only ${detail.available} live ${detail.available === 1 ? 'replica' : 'replicas'}: fewer peers are up than the quorum needs (start more peers, or run a lone peer with n=r=w=1 as configs/single.json does)`
          : '') +
        (detail.failed.length > 0 ? ` (failed: ${detail.failed.map(f => `${f.peer.slice(-8)}: ${f.error}`).join('; ')})` : ''))
    this.detail = detail
  }
}

export class PayloadTooLargeError extends MeshError {
  override name = 'PayloadTooLargeError'
  constructor (size: number, limit: number) {
    super('ERR_PAYLOAD_TOO_LARGE', `value is ${size} bytes, over the limit of ${limit} bytes`)
  }
}

export class InvalidKeyError extends MeshError {
  override name = 'InvalidKeyError'
  constructor (message: string) {
    super('ERR_INVALID_KEY', message)
  }
}

export class InvalidContextError extends MeshError {
  override name = 'InvalidContextError'
  constructor (message: string) {
    super('ERR_INVALID_CONTEXT', message)
  }
}

export class NotAMemberError extends MeshError {
  override name = 'NotAMemberError'
  constructor (message: string) {
    super('ERR_NOT_A_MEMBER', message)
  }
}

export class TimeoutError extends MeshError {
  override name = 'TimeoutError'
  constructor (message: string) {
    super('ERR_TIMEOUT', message)
  }
}

export class InvalidConfigError extends MeshError {
  override name = 'InvalidConfigError'
  /** the config key at fault, dotted (`api.port`), when there is one */
  readonly key?: string
  constructor (message: string, key?: string) {
    super('ERR_INVALID_CONFIG', key != null ? `${key}: ${message}` : message)
    this.key = key
  }
}

/** A request argument out of range (a quorum above n, say). */
export class InvalidArgumentError extends MeshError {
  override name = 'InvalidArgumentError'
  constructor (message: string) {
    super('ERR_INVALID_ARGUMENT', message)
  }
}

/** A write would leave more concurrent siblings than a record may hold. */
export class TooManySiblingsError extends MeshError {
  override name = 'TooManySiblingsError'
  constructor (count: number, limit: number) {
    super('ERR_TOO_MANY_SIBLINGS', `key has ${count} concurrent siblings, over the limit of ${limit}: read it and write with its context to resolve them`)
  }
}

/**
 * A record (or a frame carrying one) would not fit in a protocol frame: a
 * write whose resulting record would be too large, a merge whose result
 * would be, or a message that would not fit. Only that request fails.
 */
export class RecordTooLargeError extends MeshError {
  override name = 'RecordTooLargeError'
  constructor (message: string) {
    super('ERR_RECORD_TOO_LARGE', message)
  }

  /** a key's record: resolving its siblings (read, then write with the context) makes it smaller */
  static record (size: number, limit: number): RecordTooLargeError {
    return new RecordTooLargeError(`the key's record would be ${size} bytes, over the limit of ${limit} bytes: read it and write with its context to resolve its siblings`)
  }

  /** an encoded protocol message */
  static frame (what: string, size: number, limit: number): RecordTooLargeError {
    return new RecordTooLargeError(`${what} of ${size} bytes is over the frame limit of ${limit} bytes; not sent`)
  }
}

export class ProtocolError extends MeshError {
  override name = 'ProtocolError'
  constructor (message: string) {
    super('ERR_PROTOCOL', message)
  }
}

export class NotStartedError extends MeshError {
  override name = 'NotStartedError'
  constructor (message = 'node is not started') {
    super('ERR_NOT_STARTED', message)
  }
}

/**
 * A peer asked to hold a write for an absent owner (a hint) will not: its
 * hints are at their bound, or the hint is malformed. The coordinator tries
 * the next stand-in.
 */
export class HintRefusedError extends MeshError {
  override name = 'HintRefusedError'
  constructor (message: string) {
    super('ERR_HINT_REFUSED', message)
  }
}

/** An HTTP API request without the bearer token the API requires (off loopback, or whenever one is configured). */
export class UnauthorizedError extends MeshError {
  override name = 'UnauthorizedError'
  constructor (message: string) {
    super('ERR_UNAUTHORIZED', message)
  }
}

/** A bucket name that is not one (src/buckets/encoding.ts), or properties out of range. */
export class InvalidBucketError extends MeshError {
  override name = 'InvalidBucketError'
  constructor (message: string) {
    super('ERR_INVALID_BUCKET', message)
  }
}

/** A key named a bucket nobody created: create it first (`meshkv bucket create NAME`). */
export class NoSuchBucketError extends MeshError {
  override name = 'NoSuchBucketError'
  readonly bucket: string
  constructor (bucket: string) {
    super('ERR_NO_SUCH_BUCKET', `no such bucket: ${bucket} (create it with \`meshkv bucket create ${bucket}\` or PUT /buckets/${bucket})`)
    this.bucket = bucket
  }
}

/** Which quota a write would pass, its limit and the bucket's usage as this peer last summed it. */
export interface QuotaDetail {
  bucket: string
  quota: 'max-keys' | 'max-bytes'
  limit: number
  usage: number
}

/** A write past one of its bucket's quotas (max-keys, max-bytes): delete keys or raise the quota. */
export class QuotaExceededError extends MeshError {
  override name = 'QuotaExceededError'
  readonly detail: QuotaDetail
  constructor (detail: QuotaDetail, extra = '') {
    super('ERR_QUOTA', `bucket ${detail.bucket}: quota ${detail.quota} exceeded: limit ${detail.limit}, usage ${detail.usage}${extra}`)
    this.detail = detail
  }
}

/**
 * A browser tab's queue of writes made while no peer was reachable is full:
 * the write is refused, not queued, until the queue drains (peers back).
 */
export class QueueFullError extends MeshError {
  static readonly code = 'ERR_QUEUE_FULL'
  override name = 'QueueFullError'
  constructor (pending: number, size?: { bytes: number, limit: number }) {
    super('ERR_QUEUE_FULL', size === undefined
      ? `${pending} writes are already waiting for a peer to be reachable, the most this tab queues: write again once they are sent`
      : `${pending} writes are already waiting for a peer to be reachable, and this one (${size.bytes} bytes) would take them past the ${size.limit} bytes this tab queues: write again once they are sent`)
  }
}

/** The code of any error, `ERR_INTERNAL` for ones that are not ours. */
export function errorCode (err: unknown): ErrorCode {
  return err instanceof MeshError ? err.code : 'ERR_INTERNAL'
}

/**
 * This peer is saturated (too many requests in flight, a client over its
 * rate, too many exports at once): try again after `retryAfterSec`. HTTP 429
 * with Retry-After; never a 5xx, since nothing failed.
 */
export class OverloadedError extends MeshError {
  override name = 'OverloadedError'
  constructor (message: string, readonly retryAfterSec = 1) {
    super('ERR_OVERLOADED', message)
  }
}

/**
 * This peer's store has as many record writes waiting for LevelDB as it
 * queues (MAX_QUEUED_WRITES, MAX_QUEUED_WRITE_BYTES): the disk is not
 * keeping up. The write is refused before anything is stored or sent; a
 * coordinator moves on to another replica, a client gets 429 and tries
 * again. ERR_OVERLOADED, as any saturation.
 */
export class WriteQueueFullError extends OverloadedError {
  override name = 'WriteQueueFullError'
  constructor (queued: number, bytes: number) {
    super(`this peer's store has ${queued} writes (${bytes} bytes) waiting for the disk, the most it queues: try again in 1 s`, 1)
  }
}

/**
 * A peer's circuit breaker is open (it kept timing out): the request is not
 * sent, and fails at once so the coordinator moves on to another replica.
 */
export class CircuitOpenError extends MeshError {
  override name = 'CircuitOpenError'
  constructor (peer: string, retryInMs: number) {
    super('ERR_CIRCUIT_OPEN', `peer ${peer.slice(-8)} is not sent requests for ${Math.ceil(retryInMs)} ms more (circuit open: it kept timing out)`)
  }
}
