/**
 * The export's scan of the whole cluster: this peer's store and every other
 * member that is up, each scanned over range transfer (holder-scan.ts),
 * merged key by key with DVV sync (merged-scan.ts). Members in the ring
 * that are not up are skipped and named: keys only they hold are missing.
 */
import * as C from '../constants.js'
import { holdsPositions } from '../membership/view.js'
import { holderScan } from './holder-scan.js'
import { mergedScan } from './merged-scan.js'
import type { Member } from '../membership/view.js'
import type { KvRecord } from '../store/record.js'
import type { RecordStore } from '../store/record-store.js'
import type { Libp2p } from '@libp2p/interface'

export interface ClusterScanInit {
  libp2p: Libp2p
  store: RecordStore
  selfId: string
  /** the view's members, all states */
  members: Member[]
  cluster: string
  maxValueBytes: number
  /** record bytes asked for in one transfer batch */
  batchBytes: number
  signal?: AbortSignal
}

export interface ClusterScan {
  /** the peers read, this one first */
  peers: string[]
  /** members in the ring that are not up, whose copies are not read */
  skipped: string[]
  /** every key with its merged record, in storage order, pulled lazily */
  records: AsyncGenerator<[string, KvRecord]>
}

export function clusterScan (init: ClusterScanInit): ClusterScan {
  const { libp2p, selfId: self } = init
  const others = init.members.filter(m => m.id !== self)
  // a leaving member is alive and still holds what it has not handed over
  // (with n=1, the only copy): it is read like one that is up
  const readable = (m: { state: string }): boolean => m.state === 'up' || m.state === 'leaving'
  const up = others.filter(readable).map(m => m.id)
  const skipped = others.filter(m => !readable(m) && holdsPositions(m)).map(m => m.id)
  const protocol = C.transferProtocol(init.cluster)
  const { batchBytes, signal } = init
  const scans = [
    init.store.encodedEntries(),
    ...up.map(holder => holderScan({ libp2p, protocol, holder, batchBytes, timeoutMs: C.DEFAULT_TRANSFER_TIMEOUT_MS, signal }))
  ]
  return { peers: [self, ...up], skipped, records: mergedScan(scans, { maxValueBytes: init.maxValueBytes }) }
}
