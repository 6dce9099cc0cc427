import { MeshError, QuorumNotMetError } from '../errors.js'
import type { ErrorCode, QuorumDetail } from '../errors.js'
import type { QuorumDetail as PbQuorumDetail, Response } from './pb/kv.js'

const KNOWN: ReadonlySet<string> = new Set<ErrorCode>([
  'ERR_QUORUM_NOT_MET', 'ERR_PAYLOAD_TOO_LARGE', 'ERR_INVALID_KEY', 'ERR_NOT_A_MEMBER', 'ERR_TIMEOUT',
  'ERR_INVALID_CONTEXT', 'ERR_INVALID_CONFIG', 'ERR_INVALID_ARGUMENT', 'ERR_TOO_MANY_SIBLINGS', 'ERR_RECORD_TOO_LARGE', 'ERR_PROTOCOL', 'ERR_NOT_STARTED', 'ERR_INTERNAL', 'ERR_HINT_REFUSED',
  'ERR_UNAUTHORIZED',
  'ERR_OVERLOADED', 'ERR_CIRCUIT_OPEN',
  'ERR_INVALID_BUCKET', 'ERR_NO_SUCH_BUCKET', 'ERR_QUOTA',
  'ERR_QUEUE_FULL'
])

/** An error a peer replied with; keeps its code so callers can act on it. */
export class RemoteError extends MeshError {
  override name = 'RemoteError'
  readonly peer: string
  constructor (peer: string, code: string, message: string) {
    super(KNOWN.has(code) ? code as ErrorCode : 'ERR_INTERNAL', `peer ${peer.slice(-8)}: ${message}`)
    this.peer = peer
  }
}

/** Most peers a quorum detail from the wire may name (replicas are few). */
const MAX_DETAIL_PEERS = 64

/**
 * The error a peer's ERROR reply stands for. A quorum failure keeps its
 * detail (who answered, who failed, and why), so the client learns what the
 * coordinating replica knew; the message says which peer reported it.
 */
export function remoteError (peer: string, res: Response): MeshError {
  if (res.code === 'ERR_QUORUM_NOT_MET' && res.quorum != null) {
    return new QuorumNotMetError(`peer ${peer.slice(-8)}: ${res.message.slice(0, 1024)}`, quorumDetailFromWire(res.quorum), { reported: true })
  }
  return new RemoteError(peer, res.code, res.message)
}

export function quorumDetailToWire (d: QuorumDetail): PbQuorumDetail {
  return {
    required: d.required,
    received: d.received,
    available: d.available ?? 0,
    answered: d.answered.slice(0, MAX_DETAIL_PEERS),
    failed: d.failed.slice(0, MAX_DETAIL_PEERS).map(f => ({ peer: f.peer, error: f.error.slice(0, 512) }))
  }
}

/** Longest peer id and error text kept from a peer's report (peer ids are ~52 characters). */
const MAX_DETAIL_PEER_CHARS = 128
const MAX_DETAIL_ERROR_CHARS = 512

function quorumDetailFromWire (d: PbQuorumDetail): QuorumDetail {
  return {
    required: d.required,
    received: d.received,
    available: d.available === 0 ? undefined : d.available,
    answered: d.answered.slice(0, MAX_DETAIL_PEERS).map(p => p.slice(0, MAX_DETAIL_PEER_CHARS)),
    failed: d.failed.slice(0, MAX_DETAIL_PEERS).map(f => ({ peer: f.peer.slice(0, MAX_DETAIL_PEER_CHARS), error: f.error.slice(0, MAX_DETAIL_ERROR_CHARS) }))
  }
}
