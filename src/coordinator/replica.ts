/**
 * This peer as a replica: its own reads and merges, and the coordination of a
 * client write handed to it as a replica. The new dot is always
 * minted by a replica (never by a client or a non-replica), under the actor
 * id of this run of the replica (`actor`, a new epoch at every start: see
 * src/version/actor.ts), or a key epoch of it once the key's tombstone was
 * collected (src/version/key-epoch.ts), so version vectors hold one entry
 * per replica run that wrote the key, pruned past a bound
 * (src/version/prune.ts).
 *
 * A write is minted at most once per replica: its write id is looked up in
 * the stored record (and among recently applied writes) first, so a retry
 * answers with the outcome of the first attempt instead of a second sibling.
 */
import { MAX_SIBLINGS, DEFAULT_REPLICA_TIMEOUT_MS, APPLIED_WRITES_MAX, APPLIED_WRITES_TTL_MS } from '../constants.js'
import { HintRefusedError, InvalidArgumentError, QuorumNotMetError, TimeoutError, TooManySiblingsError } from '../errors.js'
import { sameWrite, sameWriteAndValue, siblingCount, siblingEquals, supersedeOtherMints } from '../store/record.js'
import { actorId, empty, mintingActor, newWithContext, ownActor, pruneRetired, sync, updateWith, values, KEY_EPOCH_BYTES } from '../version/index.js'
import { AppliedWrites } from './applied-writes.js'
import { replacedWrite, supersededBy, valueFingerprint, withContextWrites } from '../store/superseded.js'
import { sloppyWrite } from './sloppy-write.js'
import { withRetry } from './retry.js'
import { randomBytes } from './random-bytes.js'
import { validateKey } from './validate.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { CoordinatedPut, KvService, PutOutcome } from '../protocol/service.js'
import type { KvRecord, Sibling } from '../store/record.js'
import type { RecordStore } from '../store/record-store.js'
import type { Placement, SloppyTarget } from './placement.js'
import type { QuorumResult } from './quorum.js'
import type { HintStore } from '../handoff/hint-store.js'
import type { Logger } from '@libp2p/interface'

/** random bytes of an actor's epoch (actorId takes at least 4) */
const ACTOR_EPOCH_BYTES = 4

export interface ReplicaInit {
  /** this peer's id: placement and acknowledgements name peers */
  selfId: string
  /** the actor this run mints dots as: `<selfId>.<epoch>`, new at every start (actorId()) */
  actor: string
  store: RecordStore
  client: KvClient
  placement: Placement
  maxValueBytes: number
  /** where this peer keeps hints when it stands in for an owner (none: it refuses hints) */
  hints?: HintStore
  /** whether a peer holds ring positions: a hint may only name such an owner */
  inRing?: (peer: string) => boolean
  log?: Logger
}

export class Replica implements KvService {
  readonly maxValueBytes: number
  private readonly applied = new AppliedWrites({ maxEntries: APPLIED_WRITES_MAX, ttlMs: APPLIED_WRITES_TTL_MS })
  /**
   * The actor this run mints as: init.actor until a record minted here was
   * sent to other replicas and then failed to be stored here. Its dot is
   * out, yet the stored record does not hold it, so minting from that record
   * would count to the same dot for another value, and a replica holding
   * the first would drop the second as seen. From then on this run mints
   * under a fresh epoch, as after a restart (src/version/actor.ts).
   */
  private actor: string

  constructor (private readonly init: ReplicaInit) {
    this.maxValueBytes = init.maxValueBytes
    this.actor = init.actor
  }

  /** A record minted under the current actor escaped unstored: mint under a new epoch from now on. */
  private retireActor (): void {
    this.actor = actorId(this.init.selfId, Date.now(), randomBytes(ACTOR_EPOCH_BYTES))
  }

  async localGet (key: string): Promise<KvRecord | undefined> {
    validateKey(key)
    return this.init.store.get(key)
  }

  async localSync (key: string, record: KvRecord, hintFor?: string): Promise<KvRecord> {
    validateKey(key)
    const owner = hintFor === this.init.selfId ? undefined : hintFor
    // the hint is durable before the record: a crash between them leaves a hint to a record it may not find, never a record no hint hands over
    if (owner !== undefined) await this.hint(owner, key)
    const stored = await this.init.store.update(key, current => {
      const merged = current === undefined ? record : sync(current, record, siblingEquals)
      const { actor } = this
      return pruneRetired(merged, ownActor(merged, actor) ?? actor)
    })
    // a write that reached this replica by replication was applied: a retry
    // of it handed to this replica once it is superseded must not mint it again
    // (with its value's fingerprint, taken once per write id remembered)
    for (const s of values(record)) {
      if (s.writeId === undefined) continue
      this.applied.learn(key, s.writeId, () => valueFingerprint(s))
    }
    if (owner !== undefined) await this.rehint(owner, key)
    return stored ?? record
  }

  /**
   * The write a hint stands for is stored: the hint is touched (a delivery
   * that read the record before the write keeps it), or taken again when a
   * delivery round ran wholly while the write was in flight (the owner seen
   * back meanwhile), read the record without the write and deleted the hint:
   * a touch would find nothing, and the owner, sent nothing by the write,
   * would miss it. Not a condition of the write: refused, it is logged and
   * the owner left to anti-entropy.
   */
  private async rehint (owner: string, key: string): Promise<void> {
    await this.hint(owner, key).catch((err: Error) => {
      this.init.log?.('hint for %s of %s not kept after its write: %s', key, owner, err.message)
    })
  }

  private async hint (owner: string, key: string): Promise<void> {
    const { hints, inRing } = this.init
    if (hints === undefined) throw new HintRefusedError('this peer keeps no hints')
    if (inRing !== undefined && !inRing(owner)) throw new HintRefusedError(`hint for ${owner.slice(0, 128)}: not a member of this peer's ring`)
    await hints.add(owner, key)
  }

  async coordinatePut (put: CoordinatedPut): Promise<PutOutcome> {
    validateKey(put.key)
    const { selfId, store, placement } = this.init
    const deadline = Date.now() + put.timeoutMs
    const incoming = newWithContext(put.context, put.sibling)
    const { writeId } = put.sibling
    const fingerprint = writeId === undefined ? undefined : valueFingerprint(put.sibling)
    const { owners, targets, spares } = placement.sloppyTargets(put.key, put.n)
    // this peer stands in for a down owner: its hint is durable before the
    // write; a spare coordinating because every target failed holds its copy
    // for all the owners (delivered, then dropped, like any hint)
    const standIn = owners.includes(selfId) ? undefined : targets.find(t => t.peer === selfId)?.hintFor
    const selfHints = owners.includes(selfId) ? [] : standIn !== undefined ? [standIn] : owners.filter(o => o !== selfId)
    for (const owner of selfHints) await this.hint(owner, put.key)
    // a down owner no stand-in is left for (fewer live peers than owners
    // past the key's, as on the small side of a partition) is sent nothing:
    // this peer keeps a hint for it too, or its copy would wait for
    // anti-entropy. Not a condition of the write: refused (no hint store,
    // the bound reached), the owner is left to anti-entropy as before.
    for (const owner of owners) {
      if (owner === selfId || selfHints.includes(owner) || targets.some(t => (t.hintFor ?? t.peer) === owner)) continue
      const held = await this.hint(owner, put.key).then(() => true, (err: Error) => {
        this.init.log?.('no hint for %s of down owner %s: %s', put.key, owner, err.message)
        return false
      })
      if (held) selfHints.push(owner)
    }
    const others = targets.filter(t => t.peer !== selfId)
    // the other replicas are sent the record as soon as it is minted, while
    // this replica's own write is in flight: the write's latency is then the
    // slower of the two, not their sum. This replica still counts towards W
    // only once its write is stored (update resolves after it).
    let replicating: Promise<QuorumResult<string>> | undefined
    // a hint for an unfilled slot is taken once this replica's write settled:
    // taken before, a delivery could read the record without the write
    let settle = (): void => {}
    const written = new Promise<void>(resolve => { settle = resolve })
    const replicate = (record: KvRecord): Promise<QuorumResult<string>> => {
      replicating = this.replicate(put, record, others, spares, deadline, owner => { void written.then(() => { this.hintUnfilled(owner, put.key, selfHints) }) })
      // a failed local write fails the put; this outcome is then never read
      replicating.catch(() => {})
      return replicating
    }
    // the wait for the key's lock ends at the deadline: a controller and a
    // timer made only if another write holds the key (most puts find it
    // free), the timer cleared once the lock is had (AbortSignal.timeout's
    // never is, and fires an event per write)
    let lockWait: AbortController | undefined
    let lockTimer: ReturnType<typeof setTimeout> | undefined
    const waitForLock = (): AbortSignal => {
      const controller = new AbortController()
      lockWait = controller
      lockTimer = setTimeout(() => { controller.abort() }, Math.max(1, deadline - Date.now()))
      return controller.signal
    }
    const stored = await store.update(put.key, current => {
      // the lock is had: a later abort would name a lock wait for what failed after it
      clearTimeout(lockTimer)
      if (writeId !== undefined) {
        const earlier = current === undefined ? undefined : values(current).find(s => sameWrite(s, put.sibling))
        if (earlier !== undefined) {
          if (!sameWriteAndValue(earlier, put.sibling)) throw new InvalidArgumentError('this write id was already used for a different value of this key')
          return undefined
        }
        // replaced by a write this record knows (a late hedge or retry): not again
        const replaced = replacedWrite(current, put.sibling)
        if (replaced === 'other') throw new InvalidArgumentError('this write id was already used for a different value of this key')
        if (replaced === 'same') return undefined
        // applied here before, and superseded since: not again; under another value, refused
        const applied = this.applied.lookup(put.key, writeId)
        if (applied !== undefined) {
          if (applied !== null && applied !== fingerprint) throw new InvalidArgumentError('this write id was already used for a different value of this key')
          return undefined
        }
      }
      const base = current ?? empty()
      // read under the key's lock, not when the put came in: a put that
      // waited for the lock behind one whose record escaped unstored must
      // mint under the actor that retired (the stored record lacks its dot)
      const { actor } = this
      // a key epoch: never a dot this run minted before the key was collected (src/version/key-epoch.ts)
      const mint = mintingActor(current, actor, () => randomBytes(KEY_EPOCH_BYTES))
      let next = updateWith(incoming, base, mint, siblingEquals)
      // the new sibling names the writes it replaced, so a late mint of one is
      // known anywhere: those it found here, and those the client's context
      // names (a replica holding no record of the key finds none here)
      const supersedes = withContextWrites(supersededBy(current, next), put.contextWrites ?? [])
      if (supersedes.length > 0) next = updateWith(newWithContext(put.context, { ...put.sibling, supersedes }), base, mint, siblingEquals)
      next = pruneRetired(supersedeOtherMints(current, next), mint)
      const count = siblingCount(next)
      if (count > MAX_SIBLINGS) throw new TooManySiblingsError(count, MAX_SIBLINGS)
      return next
    }, waitForLock, replicate, () => { this.retireActor() }).catch(err => {
      throw lockWait?.signal.aborted === true ? new TimeoutError(`put ${put.key}: waited ${put.timeoutMs} ms for the key's lock`) : err
    }).finally(() => { clearTimeout(lockTimer); settle() })
    if (writeId !== undefined) this.applied.add(put.key, writeId, fingerprint)
    for (const owner of selfHints) await this.rehint(owner, put.key)
    // a retry of a write superseded since finds no record of its own only if
    // the key was never stored; a retry answered from the stored record
    // (nothing written here) sends that record now
    const record = stored ?? empty<Sibling>()
    const result = await (replicating ?? replicate(record))
    return { acked: result.ok.map(r => r.value), record }
  }

  /**
   * A slot of a write that no attempt filled (its target failed or stayed
   * silent and no spare was left): this peer keeps a hint for the owner, so
   * its copy comes by handoff once the owner is back, not by anti-entropy.
   * In the background, once this replica's own write settled (so a delivery
   * reading the record finds the write); a refused hint (bound reached, owner left the ring)
   * leaves the owner to anti-entropy, as before.
   */
  private hintUnfilled (owner: string, key: string, held: string[]): void {
    if (owner === this.init.selfId || held.includes(owner) || this.init.hints === undefined) return
    this.hint(owner, key).catch((err: Error) => {
      this.init.log?.('no hint for %s of %s, whose copy failed: %s', key, owner, err.message)
    })
  }

  /** Send a record to the key's other replicas under sloppy quorum; this replica's own copy counts as one. */
  private async replicate (put: CoordinatedPut, record: KvRecord, others: SloppyTarget[], spares: string[], deadline: number, onUnfilled: (owner: string) => void): Promise<QuorumResult<string>> {
    const { selfId, client, placement } = this.init
    const left = deadline - Date.now()
    if (left <= 0) throw new QuorumNotMetError(`put ${put.key}`, { required: put.w, received: 1, answered: [selfId], failed: others.map(({ peer }) => ({ peer, error: 'no time left to replicate' })) })
    // give up on silent replicas early enough that the answer (with who
    // acknowledged) reaches the caller before its own deadline
    const margin = Math.min(REPLY_MARGIN_MS, left / 5)
    const timeoutMs = Math.max(1, Math.floor(Math.min(left - margin, DEFAULT_REPLICA_TIMEOUT_MS)))
    // sloppy quorum: a down owner's slot goes to a stand-in with a hint, and
    // a slot whose target fails or is silent for half the time is backed up
    // by the next spare with a hint (src/coordinator/sloppy-write.ts)
    return sloppyWrite({
      op: `put ${put.key}`,
      targets: others,
      spares: spares.filter(p => p !== selfId),
      required: put.w,
      counted: [{ peer: selfId, value: selfId }],
      timeoutMs,
      hedgeAfterMs: Math.max(1, Math.floor(timeoutMs / 2)),
      onUnfilled,
      // a sync merges: sent twice, it is taken once
      send: async (peer, hintFor, ms) => { await withRetry(async left => client.sync(peer, put.key, record, left, hintFor, put.trace), { deadline: performance.now() + ms, worthRetrying: () => placement.health(peer) !== 'down' }) }
    })
  }
}

/** Most of a write's time kept back to carry a replica's answer to the caller (ms). */
const REPLY_MARGIN_MS = 250
