/**
 * The floor's server process: a libp2p host on meshkv's own stack
 * (src/host.ts: TCP, noise, yamux, identify, ping, gossipsub) that answers
 * every frame at once, with no store, no
 * ring and no quorum: what is left is the cost of one replica round trip.
 * Prints its multiaddr as one JSON line; exits when its stdin closes (so it
 * never outlives the bench) or on SIGTERM.
 */
import '../../src/shim.js'
import { createHost } from '../../src/host.js'
import { FLOOR_PROTOCOL, GET, decoder, encode } from './floor-wire.js'
import type { StreamMessageEvent } from '@libp2p/interface'

async function main (): Promise<void> {
  const value = new Uint8Array(Number(process.argv[2] ?? 100)).fill(0x61)
  const empty = new Uint8Array(0)
  const libp2p = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  await libp2p.handle(FLOOR_PROTOCOL, stream => {
    const decode = decoder()
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        for (const f of decode(evt.data)) {
          if (stream.writeStatus !== 'writable') return
          stream.send(encode({ id: f.id, type: f.type, payload: f.type === GET ? value : empty }))
        }
      } catch (err) {
        stream.abort(err as Error)
      }
    })
    stream.addEventListener('remoteCloseWrite', () => { stream.close().catch(err => { stream.abort(err) }) })
  }, { maxInboundStreams: 64 })
  process.stdout.write(JSON.stringify({ multiaddrs: libp2p.getMultiaddrs().map(a => a.toString()) }) + '\n')
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void Promise.resolve(libp2p.stop()).finally(() => process.exit(0))
  }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch(err => {
  process.stderr.write(`floor server failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
