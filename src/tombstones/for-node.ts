/**
 * The collector as a node runs it: owners from the membership view (down
 * members kept, and forgotten down members for a grace period more) and
 * the key's owners in the rings of the last grace period, no
 * collection while the ring changes, the node's settings and defaults.
 * Keeps src/node.ts to a few lines.
 */
import * as C from '../constants.js'
import { TombstoneCollector } from './collector.js'
import { FormerMembers } from './former-members.js'
import { OwnerHistory, ringChange } from './owners.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { Membership } from '../membership/membership.js'
import type { Member } from '../membership/view.js'
import type { MetricsRegistry } from '../metrics.js'
import type { RecordStore } from '../store/record-store.js'
import type { ComponentLogger } from '@libp2p/interface'

export interface NodeCollectorInit {
  selfId: string
  store: RecordStore
  client: KvClient
  membership: Membership
  /** the cluster's n now (it may be adopted after start) */
  n: () => number
  graceMs?: number
  scanMs?: number
  requestTimeoutMs?: number
  metrics: MetricsRegistry
  logger: ComponentLogger
}

export function nodeCollector (init: NodeCollectorInit): TombstoneCollector {
  const { membership, selfId } = init
  const log = init.logger.forComponent('meshkv:tombstones')
  const graceMs = init.graceMs ?? C.DEFAULT_TOMBSTONE_GRACE_MS
  const former = new FormerMembers(graceMs, C.TOMBSTONE_FORMER_MEMBERS_MAX)
  // the rings of the last grace period too: a key's former owner may hold a value whose delete it missed
  const history = new OwnerHistory(graceMs, C.TOMBSTONE_FORMER_MEMBERS_MAX)
  const owning = (): Member[] => {
    const now = performance.now()
    const members = former.observe(membership.members(), now)
    history.observe(members, membership.clusterParams().tokensPerUnit, now)
    return members
  }
  // every view change, so a member that goes down and is forgotten between two passes is still seen
  membership.addEventListener('change', () => {
    try { owning() } catch (err) { log.error('noting forgotten members failed: %s', (err as Error).message) }
  })
  return new TombstoneCollector({
    selfId,
    store: init.store,
    client: init.client,
    owners: () => history.owners(owning(), init.n()),
    unsettled: () => ringChange(membership.members()),
    graceMs,
    scanMs: init.scanMs ?? C.DEFAULT_TOMBSTONE_SCAN_MS,
    maxChecksPerPass: C.TOMBSTONE_CHECKS_PER_PASS,
    concurrency: C.TOMBSTONE_CHECK_CONCURRENCY,
    requestTimeoutMs: init.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS,
    metrics: init.metrics,
    log
  })
}
