/**
 * A browser tab's reach parts, swapped in for services.ts by package.json's
 * `browser` field: its transports (transports.browser.ts) already hold
 * WebRTC and the circuit relay transport, and its listen addresses ask for a
 * relay slot and WebRTC; a tab serves no relay, answers no AutoNAT, punches
 * no TCP holes and maps no router ports (those packages are Node's).
 */
import type { ReachInit } from './reach-init.js'
import type { Libp2pInit } from 'libp2p'

export function reachTransports (_init: ReachInit): NonNullable<Libp2pInit['transports']> {
  return []
}

export function reachListen (_init: ReachInit, _listen: string[]): string[] {
  return []
}

export function reachServices (_init: ReachInit, _listen: string[]): Record<string, (components: any) => unknown> {
  return {}
}
