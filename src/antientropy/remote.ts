/** An ERROR reply from a co-replica as the typed error it stands for. */
import { RemoteError } from '../protocol/remote-error.js'
import type { Response } from './pb/ae.js'

export function remoteError (peer: string, res: Response): RemoteError {
  return new RemoteError(peer, res.code.slice(0, 64), res.message.slice(0, 1024))
}
