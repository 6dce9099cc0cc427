/**
 * Parsing a member's announcement off the wire. Nothing it claims is
 * trusted: every field is checked within bounds before any of it reaches the
 * view, and one that fails is dropped whole (a hostile or broken peer never
 * gets a partial record in).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
import { MemberStatus } from './pb/heartbeat.js'
import type { AnnouncedParams } from './params.js'
import type { Heartbeat } from './pb/heartbeat.js'
import type { HeartbeatInfo } from './view.js'

/** the most addresses a member announces (and that are decoded of its announcement) */
export const MAX_ADDRS = 32
/** the largest n a config may set (src/daemon/config-keys.ts) */
const MAX_N = 64

/** The announcement as a view entry and the cluster settings it carries; undefined when it is malformed or not `from`'s own. */
export function parseAnnouncement (from: string, hb: Heartbeat): { hb: HeartbeatInfo, params: AnnouncedParams } | undefined {
  if (hb.peer !== from) return undefined
  if (!Number.isFinite(hb.capacity) || hb.capacity <= 0 || hb.capacity > 1_000_000) return undefined
  if (!Number.isSafeInteger(hb.incarnation) || hb.incarnation < 0 || hb.zone.length > 64) return undefined
  if (!Number.isSafeInteger(hb.seq) || hb.seq < 0 || hb.hash.length > 64) return undefined
  // parameters a peer could adopt must be ones its own config could have set
  if (hb.n > MAX_N || hb.tokensPerUnit > MAX_TOKENS_PER_MEMBER) return undefined
  if (hb.keys !== undefined && (!Number.isSafeInteger(hb.keys) || hb.keys < 0)) return undefined
  let addrs: string[]
  try {
    addrs = hb.addrs.map(a => multiaddr(a).toString())
  } catch {
    return undefined
  }
  return {
    hb: {
      id: hb.peer,
      addrs,
      capacity: hb.capacity,
      zone: hb.zone === '' ? undefined : hb.zone,
      incarnation: hb.incarnation,
      seq: hb.seq,
      // fixed64 decodes as a signed 64-bit integer: positions past 2^63 come back negative
      tokens: hb.tokens.length > 0 ? hb.tokens.map(t => BigInt.asUintN(64, t)) : undefined,
      leaving: hb.status === MemberStatus.LEAVING,
      joining: hb.status === MemberStatus.JOINING,
      ...(hb.keys === undefined ? {} : { keys: hb.keys })
    },
    params: { n: hb.n, tokensPerUnit: hb.tokensPerUnit, hash: hb.hash, set: { n: hb.nSet, tokensPerUnit: hb.tokensPerUnitSet } }
  }
}
