/**
 * Streams to a peer on the connection already open to it, relayed ones too.
 *
 * libp2p 3's own openStream/dialProtocol by peer id never reuses a limited
 * (circuit relay v2) connection: it dials the peer again, trying its
 * addresses in turn (a private one it cannot reach, a WebRTC one whose ICE
 * never completes while UDP is blocked, then the relay), makes a second
 * relayed connection, aborts it as a duplicate and only then opens the
 * stream on the first. For two peers behind NATs that is every kv request,
 * ping and transfer: each costs a dial through the relay (or a deadline
 * spent on addresses that cannot answer), and membership probes time out.
 * Here a stream that may run on a limited connection opens on an open one
 * at once; only a peer with no open connection is dialled. Upgrading a
 * relayed connection to a direct one is DCUtR's and WebRTC's job
 * (direct-upgrade.ts), not every stream's.
 */
import { randomBytes } from '@libp2p/crypto'
import { byteStream } from '@libp2p/utils'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_BYTES = 32

export interface OpenStreamOptions {
  signal: AbortSignal
  /** may the stream run on a relayed connection (the remote's handler must allow it too) */
  runOnLimitedConnection?: boolean
}

/** The connection a new stream to `peer` goes on: an open unlimited one first, else (when allowed) an open limited one. */
export function openConnectionTo (libp2p: Pick<Libp2p, 'getConnections'>, peer: PeerId, runOnLimitedConnection: boolean): Connection | undefined {
  const open = libp2p.getConnections(peer).filter(c => c.status === 'open')
  return open.find(c => c.limits === undefined) ?? (runOnLimitedConnection ? open.find(c => c.limits !== undefined) : undefined)
}

/** Open `protocol` to `peer`: on an open connection when there is one, else by dialling it. */
export async function openStream (libp2p: Pick<Libp2p, 'getConnections' | 'dialProtocol'>, peer: PeerId, protocol: string, options: OpenStreamOptions): Promise<Stream> {
  const limited = options.runOnLimitedConnection === true
  const connection = openConnectionTo(libp2p, peer, limited)
  if (connection !== undefined) return connection.newStream(protocol, { signal: options.signal, runOnLimitedConnection: limited })
  return libp2p.dialProtocol(peer, protocol, { signal: options.signal, runOnLimitedConnection: limited })
}

/** The round trip (ms) of a ping on `connection` itself; throws when it does not come back intact within the signal. */
export async function pingOn (connection: Connection, signal: AbortSignal): Promise<number> {
  const stream = await connection.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
  try {
    const bytes = byteStream(stream)
    const sent = randomBytes(PING_BYTES)
    const started = performance.now()
    await bytes.write(sent, { signal })
    const back = (await bytes.read({ bytes: PING_BYTES, signal })).subarray()
    const rtt = performance.now() - started
    if (!back.every((b, i) => b === sent[i])) throw new Error('a ping came back altered')
    await stream.close({ signal }).catch(() => { stream.abort(new Error('ping stream not closed')) })
    return rtt
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** A ping of `peer` on the connection open to it (relayed or not), else on a new one. */
export async function pingPeer (libp2p: Pick<Libp2p, 'getConnections' | 'dial'>, peer: PeerId, options: { signal: AbortSignal }): Promise<number> {
  const connection = openConnectionTo(libp2p, peer, true) ?? await libp2p.dial(peer, { signal: options.signal })
  return pingOn(connection, options.signal)
}
