/**
 * The bucket registry and bucket-aware kv as the node composes them: the
 * system bucket read and written through the coordinator with the
 * cluster's quorums, usage counted over the node's store and placement,
 * summed over the ring members that are not down.
 */
import * as C from '../constants.js'
import { holdsPositions } from '../membership/view.js'
import { BucketRegistry } from './registry.js'
import { BucketKv } from './bucket-kv.js'
import { UsageCounter } from './counter.js'
import type { Coordinator, Quorums } from '../coordinator/coordinator.js'
import type { Placement } from '../coordinator/placement.js'
import type { RecordStore } from '../store/record-store.js'
import type { Member } from '../membership/view.js'
import type { MetricsRegistry } from '../metrics.js'
import type { ComponentLogger } from '@libp2p/interface'

export interface NodeBucketsInit {
  selfId: string
  coordinator: Coordinator
  store: RecordStore
  placement: Placement
  members: () => Member[]
  quorums: () => Quorums
  /** replicas of an internal key (the registry's own answer, through the node) */
  replicasOf: (key: string) => number
  refreshMs?: number
  metrics: MetricsRegistry
  logger: ComponentLogger
}

export function nodeBuckets (init: NodeBucketsInit): { registry: BucketRegistry, kv: BucketKv } {
  const { coordinator, store, placement } = init
  const counter = new UsageCounter({ store, placement, replicasOf: init.replicasOf })
  const registry = new BucketRegistry({
    kv: {
      // meshkv's own records: not client requests in the metrics
      get: async key => coordinator.get(key, { internal: true }),
      put: async (key, value, context) => coordinator.put(key, value, { context, internal: true })
    },
    selfId: init.selfId,
    cluster: init.quorums,
    countingPeers: () => init.members().filter(m => holdsPositions(m) && m.state !== 'down').map(m => m.id),
    counter,
    refreshMs: init.refreshMs ?? C.DEFAULT_BUCKET_REFRESH_MS,
    log: init.logger.forComponent('meshkv:buckets')
  })
  return { registry, kv: new BucketKv(coordinator, registry, init.metrics) }
}
