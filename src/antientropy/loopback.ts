/**
 * An exchange with a replica in the same process, through the same encoding
 * and handler as the wire (bytes counted as framed on a stream): for
 * benchmarks and tests of the exchange without a network.
 */
import * as varint from 'uint8-varint'
import { errorCode } from '../errors.js'
import { remoteError } from './remote.js'
import { handleAeRequest } from './handler.js'
import { decodeRequest, decodeResponse } from './wire.js'
import { Request, Response, Status } from './pb/ae.js'
import type { AeReplica } from './handler.js'
import type { AeTransport } from './exchange.js'

const framed = (n: number): number => n + varint.encodingLength(n)

export class LoopbackTransport implements AeTransport {
  bytes = 0
  private nextId = 1

  constructor (private readonly replica: AeReplica, private readonly name = 'loopback') {}

  async request (req: Omit<Partial<Request>, 'id'>): Promise<Response> {
    const id = this.nextId++
    const sent = Request.encode({ ...req, id })
    this.bytes += framed(sent.byteLength)
    let reply: Partial<Response>
    try {
      reply = { ...await handleAeRequest(decodeRequest(sent), this.replica), id }
    } catch (err) {
      reply = { id, status: Status.ERROR, code: errorCode(err), message: (err as Error).message }
    }
    const received = Response.encode(reply)
    this.bytes += framed(received.byteLength)
    const res = decodeResponse(received)
    if (res.status === Status.ERROR) throw remoteError(this.name, res)
    return res
  }
}
