/**
 * The certificate exchange, `/meshkv/<cluster>/admission/cert/1.0.0`: the
 * opener's side reads the one frame the other sends (its certificate, or
 * nothing in an open cluster) and closes. A member asks it of a peer that
 * opened a kv, anti-entropy or transfer stream before its announcement was
 * heard (a joiner pulling its ranges, a peer restarted on a new address),
 * with a deadline. A certificate is public: it goes to whoever asks.
 */
import { encodeFrame, frameDecoder } from '../protocol/frames.js'
import { MAX_SIGNED_BYTES } from './signed.js'
import type { Connection, Libp2p, Stream, StreamMessageEvent } from '@libp2p/interface'

export function certProtocol (cluster: string): string {
  return `/meshkv/${cluster}/admission/cert/1.0.0`
}

export async function serveCertificate (libp2p: Libp2p, protocol: string, certificate: () => Uint8Array | undefined): Promise<void> {
  await libp2p.handle(protocol, (stream: Stream) => {
    stream.send(encodeFrame(certificate() ?? new Uint8Array(0)))
    stream.close({ signal: AbortSignal.timeout(2_000) }).catch(err => { stream.abort(err) })
  }, { maxInboundStreams: 8, maxOutboundStreams: 8, runOnLimitedConnection: true })
}

/** The certificate the peer behind `connection` shows, within `timeoutMs`; undefined when it shows none or does not answer. */
export async function fetchCertificate (connection: Connection, protocol: string, timeoutMs: number): Promise<Uint8Array | undefined> {
  const signal = AbortSignal.timeout(timeoutMs)
  let stream: Stream
  try {
    stream = await connection.newStream(protocol, { signal, runOnLimitedConnection: true })
  } catch {
    return undefined
  }
  const decoder = frameDecoder(MAX_SIGNED_BYTES)
  return new Promise<Uint8Array | undefined>(resolve => {
    let done = false
    const finish = (cert: Uint8Array | undefined): void => {
      if (done) return
      done = true
      signal.removeEventListener('abort', onAbort)
      stream.close({ signal: AbortSignal.timeout(1_000) }).catch(err => { stream.abort(err) })
      resolve(cert !== undefined && cert.byteLength > 0 ? cert : undefined)
    }
    const onAbort = (): void => { finish(undefined) }
    signal.addEventListener('abort', onAbort)
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        for (const frame of decoder.decode(evt.data)) { finish(frame.subarray()); return }
      } catch {
        finish(undefined)
      }
    })
    stream.addEventListener('close', () => { finish(undefined) })
    stream.addEventListener('remoteCloseWrite', () => { setTimeout(() => { finish(undefined) }, 0) })
  })
}
