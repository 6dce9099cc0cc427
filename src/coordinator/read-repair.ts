/**
 * After a read, replicas whose record is not the merged one (or who had none)
 * are sent the merged record. Runs in the background; failures only log.
 * Values are compared too, not only causal histories: a replica holding a
 * different value under the same dot is not in sync.
 */
import { equal } from '../version/index.js'
import { siblingEquals } from '../store/record.js'
import type { KvRecord } from '../store/record.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { Replica } from './replica.js'
import type { Reply } from './quorum.js'
import type { RequestTrace } from '../observability/request-trace.js'

export interface RepairDeps {
  replica: Replica
  client: KvClient
  selfId: string
  timeoutMs: number
  /** a record that means the same as none (a delete past its grace): not copied to a replica that has none */
  asGoodAsNone?: (record: KvRecord) => boolean
  /** the read's trace: repairs are logged and traced as part of it */
  trace?: RequestTrace
}

/** Returns how many replicas were sent the merged record. */
export async function repairReplicas (key: string, merged: KvRecord | undefined, replies: Array<Reply<KvRecord | undefined>>, deps: RepairDeps): Promise<number> {
  if (merged === undefined) return 0
  // a replica that collected an expired delete is not given it back (it would only collect it again)
  const none = deps.asGoodAsNone?.(merged) === true
  const stale = replies.filter(r => r.value === undefined ? !none : r.value !== merged && !equal(r.value, merged, siblingEquals))
  await Promise.allSettled(stale.map(async r => {
    if (r.peer === deps.selfId) await deps.replica.localSync(key, merged)
    else await deps.client.sync(r.peer, key, merged, deps.timeoutMs, undefined, deps.trace)
  }))
  return stale.length
}

