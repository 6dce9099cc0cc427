/**
 * This peer as a replica: its own reads and merges, and the coordination of a
 * client write handed to it as a replica. The new dot is always
 * minted by a replica (never by a client or a non-replica), under the actor
 * id of this run of the replica (`actor`, a new epoch at every start: see
 * src/version/actor.ts), so version vectors hold one entry per replica run
 * that wrote the key, pruned past a bound (src/version/prune.ts).
 */
import { MAX_SIBLINGS, DEFAULT_REPLICA_TIMEOUT_MS } from '../constants.js'
import { TooManySiblingsError } from '../errors.js'
import { siblingCount, siblingEquals } from '../store/record.js'
import { empty, join, newWithContext, pruneRetired, sync, updateWith } from '../version/index.js'
import { quorum } from './quorum.js'
import { validateKey } from './validate.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { CoordinatedPut, KvService, PutOutcome } from '../protocol/service.js'
import type { KvRecord } from '../store/record.js'
import type { RecordStore } from '../store/record-store.js'
import type { Placement } from './placement.js'

export interface ReplicaInit {
  /** this peer's id: placement and acknowledgements name peers */
  selfId: string
  /** the actor this run mints dots as: `<selfId>.<epoch>`, new at every start (actorId()) */
  actor: string
  store: RecordStore
  client: KvClient
  placement: Placement
  maxValueBytes: number
}

export class Replica implements KvService {
  readonly maxValueBytes: number

  constructor (private readonly init: ReplicaInit) {
    this.maxValueBytes = init.maxValueBytes
  }

  async localGet (key: string): Promise<KvRecord | undefined> {
    validateKey(key)
    return this.init.store.get(key)
  }

  async localSync (key: string, record: KvRecord): Promise<KvRecord> {
    validateKey(key)
    const stored = await this.init.store.update(key, current => {
      if (current === undefined) return pruneRetired(record, this.init.actor)
      return pruneRetired(sync(current, record, siblingEquals), this.init.actor)
    })
    return stored ?? record
  }

  async coordinatePut (put: CoordinatedPut): Promise<PutOutcome> {
    validateKey(put.key)
    const { selfId, actor, store, client, placement } = this.init
    const incoming = newWithContext(put.context, put.sibling)
    const stored = await store.update(put.key, current => {
      const next = pruneRetired(updateWith(incoming, current ?? empty(), actor, siblingEquals), actor)
      const count = siblingCount(next)
      if (count > MAX_SIBLINGS) throw new TooManySiblingsError(count, MAX_SIBLINGS)
      return next
    })
    const record = stored as KvRecord
    const others = placement.preferenceList(put.key, put.n).filter(p => p !== selfId)
    const timeoutMs = Math.max(1, Math.min(put.timeoutMs, DEFAULT_REPLICA_TIMEOUT_MS))
    const calls = others.map(peer => ({ peer, run: async () => { await client.sync(peer, put.key, record, timeoutMs) } }))
    const result = await quorum<void>(`put ${put.key}`, calls, put.w, [{ peer: selfId, value: undefined }])
    return { acked: result.ok.map(r => r.peer), context: join(record) }
  }
}
