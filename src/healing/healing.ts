/**
 * Everything that brings replicas back together after a fault or a ring
 * change, composed for the node: hinted handoff (hints kept for absent
 * owners and delivered when they are back), Merkle anti-entropy with
 * co-replicas, range transfer on join and leave with the handover of keys
 * no longer owned, and tombstone collection. The node builds the replica
 * between `open()` (the hints it writes to) and `start()`, and tells this
 * of every membership change.
 */
import * as C from '../constants.js'
import { NotStartedError } from '../errors.js'
import { HintStore } from '../handoff/hint-store.js'
import { HintDelivery, hintOwnerHealth } from '../handoff/hint-delivery.js'
import { Handoff } from '../handoff/handoff.js'
import { AntiEntropy } from '../antientropy/anti-entropy.js'
import { nodeCollector } from '../tombstones/for-node.js'
import { expiredTombstone } from '../tombstones/decision.js'
import { holdsPositions } from '../membership/view.js'
import { refuseAe, refuseTransfer } from '../admission/refusals.js'
import type { PassResult, TombstoneCollector, TombstoneStatus } from '../tombstones/collector.js'
import type { AntiEntropyStatus, ExchangeReport } from '../antientropy/anti-entropy.js'
import type { TransferStatus } from '../handoff/transfer-manager.js'
import type { Guard } from '../admission/gate.js'
import type { Placement } from '../coordinator/placement.js'
import type { Replica } from '../coordinator/replica.js'
import type { Membership } from '../membership/membership.js'
import type { MetricsRegistry } from '../metrics.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { Ring } from '../ring/index.js'
import type { KvRecord } from '../store/record.js'
import type { RecordStore } from '../store/record-store.js'
import type { HintStatus, NodeOptions } from '../node-types.js'
import type { ComponentLogger, Libp2p, Logger } from '@libp2p/interface'

export interface HealingInit {
  libp2p: Libp2p
  cluster: string
  self: { id: string, capacity: number, zone?: string }
  store: RecordStore
  client: KvClient
  membership: Membership
  /** the node's placement, which follows the ring as it is replaced */
  placement: Placement
  /** the ring placement uses now */
  ring: () => Ring
  /** the cluster's n now (it may be adopted after start) */
  n: () => number
  /** replicas of a key: its bucket's n, else the cluster's */
  replicasOf: (key: string) => number
  tokensPerUnit: () => number
  /** keys the handover never drops although not owned */
  keep: (key: string) => boolean | Promise<boolean>
  saveTokens: (tokens: bigint[]) => Promise<void>
  /** a joiner chose its tokens: announce them (it is still joining) */
  setTokens: (tokens: bigint[]) => void
  options: NodeOptions
  maxValueBytes: number
  logger: ComponentLogger
  metrics: MetricsRegistry
  /** transfer milestones for people (the node's 'transfer' events) */
  report: (message: string, fields: Record<string, unknown>) => void
  /** serves members only (src/admission/) */
  guard: Guard
}

/** What `status()` shows of healing (NodeStatus fields of the same names). */
export interface HealingStatus {
  tombstones: TombstoneStatus
  antiEntropy?: AntiEntropyStatus
  transfer?: TransferStatus
  hints?: HintStatus
}

export class Healing {
  private readonly hintStore: HintStore
  /** the hint store while open (the node's status and handover read it) */
  private hints?: HintStore
  private delivery?: HintDelivery
  private antiEntropy?: AntiEntropy
  private handoff?: Handoff
  private tombstones?: TombstoneCollector
  /** anti-entropy: the last state of each member, to see one come back */
  private readonly lastStates = new Map<string, string>()
  private readonly log: Logger

  constructor (private readonly init: HealingInit) {
    this.log = init.logger.forComponent('meshkv:node')
    const o = init.options
    this.hintStore = new HintStore({ db: init.store.raw.db, maxHints: o.maxHints ?? C.DEFAULT_MAX_HINTS, maxAgeMs: o.hintMaxAgeMs ?? C.DEFAULT_HINT_MAX_AGE_MS, fsync: o.fsync, metrics: init.metrics })
  }

  /** Open the hint store (the replica writes hints to it). */
  async open (): Promise<HintStore> {
    await this.hintStore.open()
    this.hints = this.hintStore
    return this.hintStore
  }

  /**
   * Serve anti-entropy and range transfer and start their background work,
   * before membership starts: pulls are served before this peer is known,
   * and a joiner starts hearing the ring at once.
   */
  async start (replica: Replica, mode: { joining: boolean, resumeTokens?: bigint[] }): Promise<void> {
    const { init } = this
    const { store, membership, placement, libp2p } = init
    const o = init.options
    const selfId = init.self.id
    this.delivery = new HintDelivery({
      hints: this.hintStore,
      store,
      sync: async (peer, key, record, timeoutMs) => { await init.client.sync(peer, key, record, timeoutMs) },
      health: id => hintOwnerHealth(membership.member(id)),
      owns: key => placement.preferenceList(key, init.replicasOf(key)).includes(selfId),
      owners: key => placement.preferenceList(key, init.replicasOf(key)),
      graceMs: o.tombstoneGraceMs ?? C.DEFAULT_TOMBSTONE_GRACE_MS,
      log: init.logger.forComponent('meshkv:handoff'),
      metrics: init.metrics,
      periodMs: C.HINT_DELIVERY_PERIOD_MS,
      timeoutMs: C.DEFAULT_REPLICA_TIMEOUT_MS
    })
    // Records copied by anti-entropy and range transfer. A delete past its
    // grace and no record mean the same: copying it to a replica that has
    // none (or collected it) would keep it bouncing between replicas
    // (docs/architecture.md, tombstone collection).
    const repairMerge = async (key: string, record: KvRecord): Promise<KvRecord> =>
      expiredTombstone(record, Date.now(), o.tombstoneGraceMs ?? C.DEFAULT_TOMBSTONE_GRACE_MS) && (await store.get(key)) === undefined
        ? record
        : replica.localSync(key, record)
    this.antiEntropy = new AntiEntropy({
      libp2p,
      protocol: C.aeProtocol(init.cluster),
      selfId,
      store,
      merge: repairMerge,
      ranges: () => init.ring().ranges(init.n()),
      owns: key => placement.preferenceList(key, init.replicasOf(key)).includes(selfId),
      ownedBy: (peer, key) => placement.preferenceList(key, init.replicasOf(key)).includes(peer),
      isUp: peer => membership.members().some(m => m.id === peer && m.state === 'up'),
      intervalMs: o.antiEntropyIntervalMs ?? C.DEFAULT_ANTI_ENTROPY_INTERVAL_MS,
      bytesPerSec: o.antiEntropyBytesPerSec ?? C.DEFAULT_ANTI_ENTROPY_BYTES_PER_SEC,
      requestTimeoutMs: o.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS,
      maxValueBytes: init.maxValueBytes,
      log: init.logger.forComponent('meshkv:antientropy'),
      metrics: init.metrics,
      guard: handler => init.guard(handler, refuseAe)
    })
    await this.antiEntropy.start()
    this.handoff = new Handoff({
      libp2p,
      cluster: init.cluster,
      self: init.self,
      store,
      client: init.client,
      merge: repairMerge,
      members: () => membership.members(),
      inRing: m => holdsPositions(m),
      ring: init.ring,
      n: init.n,
      tokensPerUnit: init.tokensPerUnit,
      keep: init.keep,
      saveTokens: init.saveTokens,
      setTokens: init.setTokens,
      announceUp: async () => { await membership.announceUp() },
      announceLeaving: async () => { await membership.announceLeaving() },
      options: { ...o, maxValueBytes: init.maxValueBytes },
      logger: init.logger,
      metrics: init.metrics,
      report: init.report,
      guard: handler => init.guard(handler, refuseTransfer)
    })
    await this.handoff.start(mode)
  }

  /** Start collecting tombstones and delivering hints, once membership runs. */
  startBackground (): void {
    const { init } = this
    const o = init.options
    this.tombstones = nodeCollector({
      selfId: init.self.id, store: init.store, client: init.client, membership: init.membership, n: init.n, graceMs: o.tombstoneGraceMs, scanMs: o.tombstoneScanMs,
      requestTimeoutMs: o.requestTimeoutMs, metrics: init.metrics, logger: init.logger
    })
    this.tombstones.start()
    this.delivery?.start()
  }

  /**
   * The view changed (after the placement took it): a member back from down
   * or suspect gets an anti-entropy exchange soon, owners back up get their
   * hints, the handover sweeps once the ring is stable again. Each part on
   * its own: one failing never keeps the others from hearing it.
   */
  membershipChanged (): void {
    this.guarded('anti-entropy with returning members', () => { this.noteReturning() })
    this.guarded('hint delivery', () => { this.delivery?.membershipChanged() })
    this.guarded('handover', () => { this.handoff?.viewChanged() })
  }

  /** Settles when this peer is up: at once for a member, once its ranges are pulled for a joiner. */
  async ready (): Promise<void> {
    await this.handoff?.ready()
  }

  /** Push every key to its owners in the ring without this peer, announce leaving, push what changed since. */
  async leave (signal: AbortSignal): Promise<void> {
    await this.requireHandoff().leave(signal)
  }

  /** The node stopped after a leave: the transfer status says so. */
  left (): void {
    if (this.handoff !== undefined) this.handoff.status.state = 'left'
  }

  /** Stop range transfer first: nothing is pushed or pulled while the peer stops. */
  stopTransfers (): void {
    this.handoff?.stop()
  }

  async stop (): Promise<void> {
    await this.tombstones?.stop()
    this.tombstones = undefined
    await this.antiEntropy?.stop().catch(() => {})
    await this.delivery?.stop().catch(() => {})
    this.antiEntropy = undefined
    this.delivery = undefined
    this.hints = undefined
  }

  /** Whether a hint for the key is held (for an owner that is down): the handover keeps such keys. */
  holdsHint (key: string): boolean {
    return this.hints?.heldForAny(key) === true
  }

  async antiEntropyNow (peerId?: string): Promise<ExchangeReport> {
    if (this.antiEntropy === undefined) throw new NotStartedError()
    return this.antiEntropy.runNow(peerId)
  }

  async collectTombstonesNow (): Promise<PassResult> {
    if (this.tombstones === undefined) throw new NotStartedError()
    return this.tombstones.collectNow()
  }

  async deliverHints (): Promise<void> {
    await this.delivery?.wake()
  }

  /** gauges: hints pending, keys in the anti-entropy index, tombstones pending */
  get hintsPending (): number { return this.hints?.pending ?? 0 }
  get keysIndexed (): number | undefined { return this.antiEntropy?.status().indexedKeys }
  get tombstonesPending (): number { return this.tombstones?.status().pending ?? 0 }

  status (): HealingStatus {
    return {
      tombstones: this.tombstones?.status() ?? { pending: 0, collected: 0 },
      antiEntropy: this.antiEntropy?.status(),
      transfer: this.handoff === undefined ? undefined : { ...this.handoff.status, leave: this.handoff.status.leave === undefined ? undefined : { ...this.handoff.status.leave } },
      hints: this.hintStatus()
    }
  }

  private hintStatus (): HintStatus | undefined {
    const hints = this.hints
    if (hints === undefined) return undefined
    const stats = this.delivery?.stats
    return {
      pending: hints.pending,
      byOwner: hints.byOwner(),
      delivered: stats?.delivered ?? 0,
      failed: stats?.failed ?? 0,
      expired: stats?.expired ?? 0,
      droppedKeys: stats?.droppedKeys ?? 0,
      maxHints: this.init.options.maxHints ?? C.DEFAULT_MAX_HINTS
    }
  }

  private noteReturning (): void {
    const seen = new Set<string>()
    for (const m of this.init.membership.members()) {
      seen.add(m.id)
      const before = this.lastStates.get(m.id)
      if (m.state === 'up' && (before === 'down' || before === 'suspect')) this.antiEntropy?.returned(m.id)
      this.lastStates.set(m.id, m.state)
    }
    for (const id of this.lastStates.keys()) if (!seen.has(id)) this.lastStates.delete(id)
  }

  private requireHandoff (): Handoff {
    if (this.handoff === undefined) throw new NotStartedError()
    return this.handoff
  }

  // an error in a listener would take the process down: a view change never may
  private guarded (what: string, fn: () => void): void {
    try { fn() } catch (err) { this.log.error('%s failed: %s', what, (err as Error).message) }
  }
}
