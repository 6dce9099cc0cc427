/**
 * The AutoNAT v1 dial-back server, in place of @libp2p/autonat's own (whose
 * client side this keeps: it asks peers to verify this peer's addresses).
 *
 * The installed server dials a requester back with openConnection(addr)
 * without `force`, which hands back the connection already open to that
 * peer, and then closes it: the very connection the request came on (and
 * the kv, membership and relay reservation it carried). A NATed member that
 * verifies the public peer it dialled cut its own link to it on every
 * request, and the public peer never got an answer. This one dials a new
 * connection (`force`), checks who answered, and closes only that.
 *
 * It dials only addresses on the host the request came from (never a third
 * party), only over connections that are not relayed, at most
 * MAX_CONCURRENT_DIALS at once, each within a deadline.
 */
import { pbStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { Message } from './pb/autonat.js'
import type { Connection, Libp2p, Logger, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export const AUTONAT_PROTOCOL = '/libp2p/autonat/1.0.0'
const TIMEOUT_MS = 10_000
const MAX_MESSAGE_BYTES = 8192
const MAX_ADDRS = 8
const MAX_CONCURRENT_DIALS = 4

const hostOf = (ma: Multiaddr): string | undefined => ma.getComponents().find(c => c.name === 'ip4' || c.name === 'ip6')?.value

export class AutonatServer {
  private dialing = 0

  constructor (private readonly libp2p: Libp2p, private readonly log: Logger) {}

  /** replace the installed handler (registered when libp2p started) */
  async start (): Promise<void> {
    await this.libp2p.handle(AUTONAT_PROTOCOL, (stream, connection) => {
      this.serve(stream, connection).catch(err => {
        this.log('AutoNAT request from %p not answered: %s', connection.remotePeer, (err as Error).message)
        stream.abort(err as Error)
      })
    }, { force: true, maxInboundStreams: 2, maxOutboundStreams: 20 })
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const signal = AbortSignal.timeout(TIMEOUT_MS)
    const messages = pbStream(stream, { maxDataLength: MAX_MESSAGE_BYTES }).pb(Message)
    const request = await messages.read({ signal })
    const dialResponse = await this.answer(request, connection, signal)
    await messages.write({ type: Message.MessageType.DIAL_RESPONSE, dialResponse }, { signal })
    await stream.close({ signal })
  }

  private async answer (request: Message, connection: Connection, signal: AbortSignal): Promise<Message.DialResponse> {
    const peer = connection.remotePeer
    const refuse = (status: Message.ResponseStatus, statusText: string): Message.DialResponse => ({ status, statusText })
    if (request.type !== Message.MessageType.DIAL || request.dial?.peer === undefined) return refuse(Message.ResponseStatus.E_BAD_REQUEST, 'no dial request')
    if (connection.limits !== undefined) return refuse(Message.ResponseStatus.E_DIAL_REFUSED, 'not over a relayed connection')
    const id = request.dial.peer.id
    if (id === undefined || !peer.toMultihash().bytes.every((b, i) => id[i] === b) || id.length !== peer.toMultihash().bytes.length) {
      return refuse(Message.ResponseStatus.E_BAD_REQUEST, 'peer id mismatch')
    }
    const from = hostOf(connection.remoteAddr)
    const addrs: Multiaddr[] = []
    for (const bytes of request.dial.peer.addrs.slice(0, MAX_ADDRS)) {
      try {
        const ma = multiaddr(bytes)
        const s = ma.toString()
        if (hostOf(ma) !== from || s.includes('/p2p-circuit') || !s.includes('/tcp/')) continue
        addrs.push(ma.getComponents().some(c => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${peer.toString()}`))
      } catch {}
    }
    if (addrs.length === 0) return refuse(Message.ResponseStatus.E_DIAL_REFUSED, 'no address on the requester\'s host to dial')
    if (this.dialing >= MAX_CONCURRENT_DIALS) return refuse(Message.ResponseStatus.E_DIAL_REFUSED, 'busy')
    this.dialing++
    try {
      let error = ''
      for (const ma of addrs) {
        let back: Connection | undefined
        try {
          back = await this.libp2p.dial(ma, { signal, force: true })
          if (!back.remotePeer.equals(peer)) throw new Error('another peer answered')
          return { status: Message.ResponseStatus.OK, addr: back.remoteAddr.decapsulateCode(421).bytes }
        } catch (err) {
          error = (err as Error).message
        } finally {
          if (back !== undefined && back.id !== connection.id) await back.close().catch(() => {})
        }
      }
      return refuse(Message.ResponseStatus.E_DIAL_ERROR, error.slice(0, 200))
    } finally {
      this.dialing--
    }
  }
}
