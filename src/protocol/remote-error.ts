import { MeshError } from '../errors.js'
import type { ErrorCode } from '../errors.js'

const KNOWN: ReadonlySet<string> = new Set<ErrorCode>([
  'ERR_QUORUM_NOT_MET', 'ERR_PAYLOAD_TOO_LARGE', 'ERR_INVALID_KEY', 'ERR_NOT_A_MEMBER', 'ERR_TIMEOUT',
  'ERR_INVALID_CONTEXT', 'ERR_INVALID_CONFIG', 'ERR_INVALID_ARGUMENT', 'ERR_TOO_MANY_SIBLINGS', 'ERR_RECORD_TOO_LARGE', 'ERR_PROTOCOL', 'ERR_NOT_STARTED', 'ERR_INTERNAL'
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
