/**
 * The libp2p parts ReachInit turns into, for createHost (src/host.ts): the
 * circuit relay transport (every peer can be reached through a relay and
 * dial through one), WebRTC when asked, the relay server, AutoNAT, DCUtR and
 * UPnP, and the extra listen addresses (`/p2p-circuit` reserves a slot on a
 * relay, `/webrtc` accepts WebRTC signalled through it).
 */
import { autoNAT } from '@libp2p/autonat'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { uPnPNAT } from '@libp2p/upnp-nat'
import { webRTC } from '@libp2p/webrtc'
import * as C from '../constants.js'
import { reservesRelay, servesRelay } from './reach-init.js'
import type { ReachInit } from './reach-init.js'
import type { Libp2pInit } from 'libp2p'

type Transports = NonNullable<Libp2pInit['transports']>
type Services = Record<string, (components: any) => unknown>

export function reachTransports (init: ReachInit): Transports {
  const out: Transports = [circuitRelayTransport({ reservationCompletionTimeout: 10_000 })]
  if (init.webrtc === true) {
    out.push(webRTC({ rtcConfiguration: { iceServers: (init.iceServers ?? []).map(urls => ({ urls })) } }))
  }
  return out
}

export function reachListen (init: ReachInit, listen: string[]): string[] {
  const out: string[] = []
  if (reservesRelay(init, listen)) out.push('/p2p-circuit')
  if (init.webrtc === true) out.push('/webrtc')
  return out
}

export function reachServices (init: ReachInit, listen: string[]): Services {
  const services: Services = {}
  if (servesRelay(init, listen)) {
    const l = init.relayLimits ?? {}
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: l.maxReservations ?? C.DEFAULT_RELAY_MAX_RESERVATIONS,
        applyDefaultLimit: true,
        defaultDurationLimit: l.durationMs ?? C.DEFAULT_RELAY_DURATION_MS,
        defaultDataLimit: BigInt(l.dataBytes ?? C.DEFAULT_RELAY_DATA_BYTES)
      }
    })
  }
  if (init.autonat !== false) services.autonat = autoNAT()
  if (init.dcutr !== false) services.dcutr = dcutr()
  // the router reports the mapping it made: trusted at once (AutoNAT checks an address only on a new connection, and none may come)
  if (init.upnp === true) services.upnp = uPnPNAT({ autoConfirmAddress: true })
  return services
}
