/**
 * The members this peer last knew, kept in its data dir. A peer restarted
 * with a bootstrap list that is out of date (its one bootstrap peer is down,
 * or gone) still knows where the cluster was: every member it once saw can
 * bootstrap it, so no peer is special. Bounded, and checked on load like any
 * other input (a damaged record is ignored, not trusted).
 */
import { Key } from 'interface-datastore'
import { multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'

const KNOWN_KEY = new Key('/meta/known-peers')
export const MAX_KNOWN_PEERS = 64
export const MAX_KNOWN_ADDRS = 8
/** a record larger than the bounds allow is not ours */
const MAX_BYTES = MAX_KNOWN_PEERS * MAX_KNOWN_ADDRS * 512

export interface KnownPeer {
  id: string
  addrs: string[]
}

/** Keep at most the bounds: the first peers, each with its first addresses that parse. */
export function bounded (peers: readonly KnownPeer[]): KnownPeer[] {
  const out: KnownPeer[] = []
  for (const p of peers) {
    if (out.length >= MAX_KNOWN_PEERS) break
    if (typeof p?.id !== 'string' || p.id.length === 0 || p.id.length > 128 || !Array.isArray(p.addrs)) continue
    const addrs = p.addrs.filter(a => {
      if (typeof a !== 'string' || a.length > 512) return false
      try { multiaddr(a); return true } catch { return false }
    }).slice(0, MAX_KNOWN_ADDRS)
    if (addrs.length > 0) out.push({ id: p.id, addrs })
  }
  return out
}

export async function loadKnownPeers (datastore: Datastore): Promise<KnownPeer[]> {
  if (!(await datastore.has(KNOWN_KEY))) return []
  const bytes = await datastore.get(KNOWN_KEY)
  if (bytes.byteLength > MAX_BYTES) return []
  try {
    const raw: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return Array.isArray(raw) ? bounded(raw as KnownPeer[]) : []
  } catch {
    return []
  }
}

export async function saveKnownPeers (datastore: Datastore, peers: readonly KnownPeer[]): Promise<void> {
  await datastore.put(KNOWN_KEY, new TextEncoder().encode(JSON.stringify(bounded(peers))))
}

/** A fingerprint of a set of peers, to save only when it changed. */
export function fingerprint (peers: readonly KnownPeer[]): string {
  return peers.map(p => `${p.id}=${[...p.addrs].sort().join(',')}`).sort().join(';')
}
