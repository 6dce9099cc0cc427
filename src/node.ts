/**
 * createNode(): the composition root. Builds the libp2p host, the record
 * store, membership, the kv protocol and the coordinator, and wires them.
 * Isomorphic: everything Node-only comes in through transports.ts and the
 * store's path.
 */
import './shim.js'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import * as C from './constants.js'
import { InvalidArgumentError, NotStartedError } from './errors.js'
import { Coordinator } from './coordinator/coordinator.js'
import { healthFromState, RingPlacement } from './coordinator/placement.js'
import { HintStore } from './handoff/hint-store.js'
import { HintDelivery } from './handoff/hint-delivery.js'
import { Replica } from './coordinator/replica.js'
import { actorId } from './version/index.js'
import { Membership } from './membership/membership.js'
import { nextIncarnation } from './membership/incarnation.js'
import { saveTokens, tokensFor } from './membership/token-store.js'
import { allocateTokens } from './ring/allocator.js'
import { holdsPositions } from './membership/view.js'
import { MetricsRegistry } from './metrics.js'
import { KvClient } from './protocol/kv-client.js'
import { serveStream } from './protocol/kv-server.js'
import { KvMetrics } from './protocol/metrics.js'
import { loadOrCreateIdentity } from './store/identity.js'
import { RecordStore } from './store/record-store.js'
import { createHost } from './host.js'
import type { GetResult, PutResult, ReadOptions, WriteOptions, Quorums } from './coordinator/coordinator.js'
import type { Member } from './membership/view.js'
import type { MemberStatusInfo } from './membership/membership.js'
import type { AdoptableSetting } from './membership/params.js'
import type { Placement } from './coordinator/placement.js'
import type { KvRecord } from './store/record.js'
import type { MeshHost } from './host.js'

export interface NodeOptions {
  /** directory of this peer's LevelDB (records and identity key) */
  dataDir: string
  /** cluster name: peers only talk kv and membership within their cluster */
  cluster?: string
  /** multiaddrs to listen on (default: TCP and WebSockets on 127.0.0.1, random ports) */
  listen?: string[]
  /** multiaddrs (with /p2p/<id>) of peers to join through */
  bootstrap?: string[]
  /** relative capacity; ring tokens are proportional to it */
  capacity?: number
  zone?: string
  /**
   * replicas per key, read quorum, write quorum. n and tokensPerUnit are the
   * cluster's: left unset, they are adopted from the cluster (and r, w left
   * unset follow n as a majority); set, a peer that set others is refused.
   */
  n?: number
  r?: number
  w?: number
  maxValueBytes?: number
  /** fsync each write before acknowledging it */
  fsync?: boolean
  tokensPerUnit?: number
  /** membership probe period (ms) */
  heartbeatMs?: number
  /** how long a suspect member has to refute before it is down (ms) */
  memberTimeoutMs?: number
  /** period of the full membership announcement (ms) */
  announceMs?: number
  /** phi above which a watched member is suspect */
  phiThreshold?: number
  requestTimeoutMs?: number
  /** hinted handoff: most hints held for absent owners (default DEFAULT_MAX_HINTS) */
  maxHints?: number
  /** hinted handoff: age after which an undelivered hint is dropped (ms, default 3 h) */
  hintMaxAgeMs?: number
}

/** Hinted handoff as `status` shows it. */
export interface HintStatus {
  /** hints held for absent owners */
  pending: number
  byOwner: Record<string, number>
  delivered: number
  /** deliveries that failed and are retried */
  failed: number
  /** hints dropped undelivered past hintMaxAgeMs */
  expired: number
  /** keys dropped after their hints were delivered (this peer was not an owner) */
  droppedKeys: number
  maxHints: number
}

export interface NodeStatus {
  peerId: string
  cluster: string
  multiaddrs: string[]
  quorums: Quorums
  /** each member with this peer's phi for it (when it watches it) and its share of the ring (when in it) */
  members: Array<MemberStatusInfo & { share?: number }>
  ringSize: number
  tokensPerUnit: number
  hints?: HintStatus
}

export class MeshNode extends EventTarget {
  readonly metrics = new MetricsRegistry()
  readonly quorums: Quorums
  readonly cluster: string
  private libp2pNode?: MeshHost
  private store?: RecordStore
  private membership?: Membership
  private placement?: RingPlacement
  private client?: KvClient
  private coordinator?: Coordinator
  private hints?: HintStore
  private hintDelivery?: HintDelivery

  constructor (readonly options: NodeOptions) {
    super()
    this.cluster = options.cluster ?? C.DEFAULT_CLUSTER
    const n = options.n ?? C.DEFAULT_N
    this.quorums = { n, r: options.r ?? majority(n), w: options.w ?? majority(n) }
    const { r, w } = this.quorums
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`n must be a whole number of at least 1, got ${n}`)
    if (!Number.isInteger(r) || r < 1 || r > n) throw new InvalidArgumentError(`r must be a whole number from 1 to n=${n}, got ${r}`)
    if (!Number.isInteger(w) || w < 1 || w > n) throw new InvalidArgumentError(`w must be a whole number from 1 to n=${n}, got ${w}`)
  }

  get peerId (): string {
    return this.host().peerId.toString()
  }

  get libp2p (): MeshHost {
    return this.host()
  }

  async start (): Promise<void> {
    const o = this.options
    const maxValueBytes = o.maxValueBytes ?? C.DEFAULT_MAX_VALUE_BYTES
    const logger = defaultLogger()
    const store = new RecordStore({ path: o.dataDir, fsync: o.fsync, limits: { maxValueBytes }, metrics: this.metrics })
    await store.open()
    this.store = store
    try {
      const libp2p = await createHost({ privateKey: await loadOrCreateIdentity(store.raw), listen: o.listen, logger, start: false })
      this.libp2pNode = libp2p
      const kvMetrics = new KvMetrics(this.metrics)
      const protocol = C.kvProtocol(this.cluster)
      const selfId = libp2p.peerId.toString()
      this.client = new KvClient({ libp2p, protocol, log: logger.forComponent('meshkv:kv-client'), metrics: kvMetrics, maxValueBytes })
      await libp2p.start()
      // --- membership wiring (cluster parameters, incarnation, refusals) ---
      const incarnation = await nextIncarnation(store.raw)
      let tokensPerUnit = o.tokensPerUnit ?? C.DEFAULT_TOKENS_PER_UNIT
      const capacity = o.capacity ?? C.DEFAULT_CAPACITY
      const tokens = await tokensFor(store.raw, [], { id: selfId, capacity, zone: o.zone }, tokensPerUnit)
      const membership = new Membership({
        libp2p,
        topic: C.membershipTopic(this.cluster),
        capacity,
        zone: o.zone,
        tokens,
        bootstrap: (o.bootstrap ?? []).map(a => multiaddr(a)),
        heartbeatMs: o.heartbeatMs ?? C.DEFAULT_HEARTBEAT_MS,
        memberTimeoutMs: o.memberTimeoutMs ?? C.DEFAULT_MEMBER_TIMEOUT_MS,
        announceMs: o.announceMs ?? C.DEFAULT_ANNOUNCE_MS,
        phiThreshold: o.phiThreshold ?? C.DEFAULT_PHI_THRESHOLD,
        log: logger.forComponent('meshkv:membership'),
        metrics: this.metrics,
        incarnation,
        params: { n: this.quorums.n, tokensPerUnit, set: { n: o.n !== undefined, tokensPerUnit: o.tokensPerUnit !== undefined } },
        cannotAdopt: (values) => this.cannotAdopt(values)
      })
      this.membership = membership
      const health = (id: string): ReturnType<typeof healthFromState> => healthFromState(membership.member(id)?.state)
      this.placement = new RingPlacement(selfId, ringMembers(membership.members()), tokensPerUnit, health)
      // the coordinator keeps this object; the ring behind it is replaced when tokensPerUnit is adopted
      const placement: Placement = {
        selfId,
        preferenceList: (key, n) => this.placement?.preferenceList(key, n) ?? [],
        health: (id) => this.placement?.health(id) ?? 'down',
        sloppyTargets: (key, n) => this.placement?.sloppyTargets(key, n) ?? { owners: [], targets: [], spares: [] }
      }
      // --- hinted handoff ---
      const hints = new HintStore({ db: store.raw.db, maxHints: o.maxHints ?? C.DEFAULT_MAX_HINTS, maxAgeMs: o.hintMaxAgeMs ?? C.DEFAULT_HINT_MAX_AGE_MS, fsync: o.fsync, metrics: this.metrics })
      await hints.open()
      this.hints = hints
      // a new actor at every start: a replica whose data dir lost its tail
      // (fsync off, a restored or copied dir) must never mint a dot twice
      const actor = actorId(selfId, Date.now(), globalThis.crypto.getRandomValues(new Uint8Array(4)))
      const replica = new Replica({ selfId, actor, store, client: this.client, placement, maxValueBytes, hints, inRing: id => this.placement?.ring.has(id) ?? false })
      const kvClient = this.client
      this.hintDelivery = new HintDelivery({
        hints,
        store,
        sync: async (peer, key, record, timeoutMs) => { await kvClient.sync(peer, key, record, timeoutMs) },
        health: placement.health,
        owns: key => placement.preferenceList(key, this.quorums.n).includes(selfId),
        log: logger.forComponent('meshkv:handoff'),
        metrics: this.metrics,
        periodMs: C.HINT_DELIVERY_PERIOD_MS,
        timeoutMs: C.DEFAULT_REPLICA_TIMEOUT_MS
      })
      this.coordinator = new Coordinator({
        placement,
        replica,
        client: this.client,
        quorums: this.quorums,
        requestTimeoutMs: o.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS,
        maxValueBytes,
        log: logger.forComponent('meshkv:coordinator'),
        metrics: this.metrics
      })
      const serverLog = logger.forComponent('meshkv:kv-server')
      await libp2p.handle(protocol, (stream) => { serveStream(stream, { service: replica, log: serverLog, metrics: kvMetrics }) }, {
        maxInboundStreams: 64,
        maxOutboundStreams: 64
      })
      const client = this.client
      const log = logger.forComponent('meshkv:node')
      // an error in a listener would take the process down: a view change never may
      const guarded = (what: string, fn: (evt: Event) => void) => (evt: Event): void => {
        try { fn(evt) } catch (err) { log.error('%s failed: %s', what, (err as Error).message) }
      }
      membership.addEventListener('change', guarded('ring rebuild', () => {
        // streams to peers that went down are dropped; a returning peer gets a fresh one
        for (const m of membership.members()) if (m.state === 'down') void client.forget(m.id)
        // a change is one of the ring or of a member's health (down, or back): both are news
        this.placement?.update(ringMembers(membership.members()))
        this.dispatchEvent(new CustomEvent('members', { detail: membership.members() }))
        this.hintDelivery?.membershipChanged()
      }))
      membership.addEventListener('params', guarded('adopting cluster settings', (evt) => {
        const adopted = (evt as CustomEvent<Partial<Record<AdoptableSetting, number>>>).detail
        if (adopted.n !== undefined) {
          this.quorums.n = adopted.n
          if (o.r === undefined) this.quorums.r = majority(adopted.n)
          if (o.w === undefined) this.quorums.w = majority(adopted.n)
        }
        if (adopted.tokensPerUnit !== undefined && adopted.tokensPerUnit !== tokensPerUnit) {
          tokensPerUnit = adopted.tokensPerUnit
          // this peer's tokens are chosen again for the cluster's tokensPerUnit, stored, then announced
          const chosen = allocateTokens(ringMembers(membership.members()).filter(m => m.id !== selfId), { id: selfId, capacity, zone: o.zone }, tokensPerUnit)
          saveTokens(store.raw, chosen).catch(err => { log.error('ring tokens not stored: %s', (err as Error).message) })
          membership.setTokens(chosen)
          this.placement = new RingPlacement(selfId, ringMembers(membership.members()), tokensPerUnit, health)
        }
        this.dispatchEvent(new CustomEvent('params', { detail: evt instanceof CustomEvent ? evt.detail : adopted }))
      }))
      membership.addEventListener('refused', guarded('reporting a refused peer', (evt) => {
        this.dispatchEvent(new CustomEvent('refused', { detail: (evt as CustomEvent).detail }))
      }))
      // --- end membership wiring ---
      membership.start()
      this.hintDelivery.start()
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  /**
   * Stop the peer. By default it first announces that it is leaving, so the
   * others take it out of their rings at once instead of timing it out;
   * `{ announce: false }` stops as a crash would look to them (tests).
   */
  async stop (options: { announce?: boolean } = {}): Promise<void> {
    if (options.announce !== false) await this.membership?.announceLeaving().catch(() => {})
    await this.membership?.stop().catch(() => {})
    await this.hintDelivery?.stop().catch(() => {})
    await this.client?.close().catch(() => {})
    await this.libp2pNode?.stop()
    await this.store?.close()
    this.membership = undefined
    this.coordinator = undefined
    this.hintDelivery = undefined
    this.hints = undefined
  }

  async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<PutResult> {
    return this.coord().put(key, value, options)
  }

  async get (key: string, options?: ReadOptions): Promise<GetResult> {
    return this.coord().get(key, options)
  }

  async delete (key: string, options?: WriteOptions): Promise<PutResult> {
    return this.coord().delete(key, options)
  }

  /** The replicas of a key in this peer's current view, primary first. */
  preferenceList (key: string): string[] {
    if (this.placement === undefined) throw new NotStartedError()
    return this.placement.preferenceList(key, this.quorums.n)
  }

  /** This peer's own replica state of a key (diagnostics and tests; no quorum). */
  async localRecord (key: string): Promise<KvRecord | undefined> {
    if (this.store === undefined) throw new NotStartedError()
    return this.store.get(key)
  }

  multiaddrs (): string[] {
    return this.host().getMultiaddrs().map(a => a.toString())
  }

  members (): Member[] {
    return this.membership?.members() ?? []
  }

  status (): NodeStatus {
    return {
      peerId: this.peerId,
      cluster: this.cluster,
      multiaddrs: this.multiaddrs(),
      quorums: this.quorums,
      members: this.memberStatus(),
      ringSize: this.placement?.ring.size ?? 0,
      tokensPerUnit: this.membership?.clusterParams().tokensPerUnit ?? this.options.tokensPerUnit ?? C.DEFAULT_TOKENS_PER_UNIT,
      hints: this.hintStatus()
    }
  }

  private hintStatus (): HintStatus | undefined {
    const hints = this.hints
    if (hints === undefined) return undefined
    const stats = this.hintDelivery?.stats
    return {
      pending: hints.pending,
      byOwner: hints.byOwner(),
      delivered: stats?.delivered ?? 0,
      failed: stats?.failed ?? 0,
      expired: stats?.expired ?? 0,
      droppedKeys: stats?.droppedKeys ?? 0,
      maxHints: this.options.maxHints ?? C.DEFAULT_MAX_HINTS
    }
  }

  /** Hand hinted keys to owners that are back now, instead of at the next tick (tests, diagnostics). */
  async deliverHints (): Promise<void> {
    await this.hintDelivery?.wake()
  }

  private memberStatus (): Array<MemberStatusInfo & { share?: number }> {
    const shares = this.placement?.ring.ownership() ?? new Map<string, number>()
    return (this.membership?.membersWithPhi() ?? []).map(m => {
      const share = shares.get(m.id)
      const { tokens: _, ...rest } = m
      return share === undefined ? rest : { ...rest, share: Math.round(share * 10_000) / 10_000 }
    })
  }

  /** The cluster's n would leave a quorum this peer set above it. */
  private cannotAdopt (values: Partial<Record<AdoptableSetting, number>>): string | undefined {
    const n = values.n
    if (n === undefined) return undefined
    for (const q of ['r', 'w'] as const) {
      const set = this.options[q]
      if (set !== undefined && set > n) return `cluster setting n=${n} cannot be adopted: this peer sets ${q}=${set}, above it`
    }
    return undefined
  }

  private host (): MeshHost {
    if (this.libp2pNode === undefined) throw new NotStartedError()
    return this.libp2pNode
  }

  private coord (): Coordinator {
    if (this.coordinator === undefined) throw new NotStartedError()
    return this.coordinator
  }
}

/** Unset quorums: a majority of n, so r + w > n (3/2/2, 1/1/1). */
function majority (n: number): number {
  return Math.floor(n / 2) + 1
}

/** Members that hold ring positions: up, suspect and down ones (not joining, leaving, or down after leaving). */
function ringMembers (members: Member[]): Member[] {
  return members.filter(m => holdsPositions(m))
}

export async function createNode (options: NodeOptions): Promise<MeshNode> {
  const node = new MeshNode(options)
  await node.start()
  return node
}
