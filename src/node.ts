/**
 * createNode(): the composition root. Builds the libp2p host, the record
 * store, membership, the kv protocol and the coordinator, and wires them;
 * each part's own wiring is next to it (src/node/, src/healing/healing.ts,
 * the for-node.ts files), so this reads as the order things start in and
 * MeshNode's public API. Isomorphic: everything Node-only comes in through
 * transports.ts and the store's path.
 */
import './shim.js'
import { defaultLogger } from '@libp2p/logger'
import * as C from './constants.js'
import { NotStartedError } from './errors.js'
import { Coordinator } from './coordinator/coordinator.js'
import { Replica } from './coordinator/replica.js'
import { RecordCache } from './coordinator/record-cache.js'
import { actorId } from './version/index.js'
import { saveTokens } from './membership/token-store.js'
import { Healing } from './healing/healing.js'
import { checkedQuorums, discoveryHost } from './node/options.js'
import { MembershipWiring } from './node/membership-wiring.js'
import { nodeStatus } from './node/status.js'
import { nodeKvClient, serveKv } from './node/kv.js'
import { Ring } from './ring/index.js'
import { MetricsRegistry } from './metrics.js'
import { KvMetrics } from './protocol/metrics.js'
import { createTracing, NO_TRACING } from './observability/tracing.js'
import { registerNodeGauges } from './observability/node-gauges.js'
import { loadOrCreateIdentity } from './store/identity.js'
import { RecordStore } from './store/record-store.js'
import { copyRecord } from './store/record.js'
import { createHost } from './host.js'
import { DirectUpgrade } from './reach/direct-upgrade.js'
import { AutonatServer } from './reach/autonat-server.js'
import { Discovery } from './discovery/discovery.js'
import { loadKnownPeers } from './discovery/known-peers.js'
import { expiredTombstone } from './tombstones/decision.js'
import { clusterScan } from './backup/cluster-scan.js'
import { importRecord } from './coordinator/import-record.js'
import { nodeBuckets } from './buckets/for-node.js'
import { createAdmission } from './admission/setup.js'
import type { KvClient } from './protocol/kv-client.js'
import type { Breakers } from './protocol/circuit-breaker.js'
import type { ClusterScan } from './backup/cluster-scan.js'
import type { BucketRegistry } from './buckets/registry.js'
import type { BucketInfo, BucketKv, BucketOption } from './buckets/bucket-kv.js'
import type { ExchangeReport } from './antientropy/anti-entropy.js'
import type { PassResult } from './tombstones/collector.js'
import type { GetResult, PutResult, ReadOptions, WriteOptions, Quorums } from './coordinator/coordinator.js'
import type { Member } from './membership/view.js'
import type { Membership } from './membership/membership.js'
import type { RingView } from './node/ring-view.js'
import type { RingPlacement } from './coordinator/placement.js'
import type { KvRecord } from './store/record.js'
import type { MeshHost } from './host.js'
import type { NodeOptions, NodeStatus } from './node-types.js'
import type { Admission, AdmissionStatus } from './admission/admission.js'

export type { NodeOptions, NodeStatus, HintStatus } from './node-types.js'

export class MeshNode extends EventTarget {
  readonly metrics = new MetricsRegistry()
  readonly quorums: Quorums
  readonly cluster: string
  private libp2pNode?: MeshHost
  private store?: RecordStore
  private membership?: Membership
  private view?: RingView
  private client?: KvClient
  private coordinator?: Coordinator
  private healing?: Healing
  private leaving?: Promise<void>
  /**
   * Keys this peer must keep although it no longer owns them (hints held for
   * a down owner): the handover never drops them.
   */
  protected keepKey: (key: string) => boolean | Promise<boolean> = key => this.healing?.holdsHint(key) === true
  private admission?: Admission
  private wiring?: MembershipWiring
  private replica?: Replica
  private breakers?: Breakers
  private tracing = NO_TRACING
  private unregisterGauges?: () => void
  private directUpgrade?: DirectUpgrade
  private bucketRegistry?: BucketRegistry
  private bucketKv?: BucketKv
  private discovery?: Discovery

  constructor (readonly options: NodeOptions) {
    super()
    this.cluster = options.cluster ?? C.DEFAULT_CLUSTER
    this.quorums = checkedQuorums(options)
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
    const store = new RecordStore({ path: o.dataDir, fsync: o.fsync, limits: { maxValueBytes }, metrics: this.metrics, cacheBytes: o.storeCacheBytes })
    await store.open()
    this.store = store
    try {
      const libp2p = await createHost({ privateKey: await loadOrCreateIdentity(store.raw), listen: o.listen, logger, start: false, metrics: o.libp2pMetrics, reach: o.reach, ...discoveryHost(o, this.cluster) })
      this.libp2pNode = libp2p
      const kvMetrics = new KvMetrics(this.metrics)
      const protocol = C.kvProtocol(this.cluster)
      const selfId = libp2p.peerId.toString()
      const { client, breakers } = nodeKvClient({ libp2p, protocol, options: o, maxValueBytes, metrics: this.metrics, kvMetrics, logger })
      this.client = client
      this.breakers = breakers
      this.tracing = await createTracing(o.otlpEndpoint, { 'service.instance.id': selfId, 'meshkv.cluster': this.cluster })
      await libp2p.start()
      // --- admission (src/admission/): who may be a member; off in an open cluster ---
      const admission = await createAdmission(o, { selfId, cluster: this.cluster, datastore: store.raw, log: logger.forComponent('meshkv:admission'), metrics: this.metrics })
      this.admission = admission
      if (o.reach?.autonat !== false) await new AutonatServer(libp2p, logger.forComponent('meshkv:reach')).start()
      if (o.reach?.webrtc === true) {
        this.directUpgrade = new DirectUpgrade(libp2p, logger.forComponent('meshkv:reach'), o.reach.webrtcRetryMs)
        this.directUpgrade.start()
      }
      // --- membership, admission's gate on it, and the ring (src/node/membership-wiring.ts) ---
      const log = logger.forComponent('meshkv:node')
      const wiring = await MembershipWiring.open({
        libp2p, store, selfId, cluster: this.cluster, options: o, quorums: this.quorums, admission, metrics: this.metrics, logger, keysHeld: () => this.keysHeld(),
        forgetStreams: peer => { void client.forget(peer) },
        saveTokens: async chosen => { await saveTokens(store.raw, chosen) },
        log
      })
      this.wiring = wiring
      const { membership, view, guard, mode, capacity } = wiring
      this.membership = membership
      this.view = view
      // the coordinator keeps this object; the ring behind it is replaced when tokensPerUnit is adopted
      const placement = view.placement
      // --- healing (src/healing/): hints, anti-entropy, range transfer, tombstones ---
      const healing = new Healing({
        libp2p,
        cluster: this.cluster,
        self: { id: selfId, capacity, zone: o.zone },
        store,
        client,
        membership,
        placement,
        ring: () => view.ring,
        n: () => this.quorums.n,
        replicasOf: key => this.replicasOf(key),
        tokensPerUnit: () => view.tokensPerUnit,
        keep: key => this.keepKey(key),
        saveTokens: async chosen => { await saveTokens(store.raw, chosen) },
        setTokens: chosen => { view.setTokens(chosen) },
        options: o,
        maxValueBytes,
        logger,
        metrics: this.metrics,
        report: (message, fields) => { this.dispatchEvent(new CustomEvent('transfer', { detail: { message, ...fields } })) },
        guard
      })
      this.healing = healing
      const hints = await healing.open()
      // a new actor at every start: a replica whose data dir lost its tail
      // (fsync off, a restored or copied dir) must never mint a dot twice
      const actor = actorId(selfId, Date.now(), globalThis.crypto.getRandomValues(new Uint8Array(4)))
      const replica = new Replica({ selfId, actor, store, client, placement, maxValueBytes, hints, inRing: id => view.ring.has(id), log: logger.forComponent('meshkv:replica') })
      this.replica = replica
      this.coordinator = new Coordinator({
        placement,
        replica,
        client,
        quorums: this.quorums,
        requestTimeoutMs: o.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS,
        maxValueBytes,
        log: logger.forComponent('meshkv:coordinator'),
        metrics: this.metrics,
        requestLog: o.requestLog,
        tracing: this.tracing,
        recordCache: new RecordCache(o.recordCacheBytes ?? C.DEFAULT_RECORD_CACHE_BYTES, this.metrics),
        asGoodAsNone: record => expiredTombstone(record, Date.now(), o.tombstoneGraceMs ?? C.DEFAULT_TOMBSTONE_GRACE_MS)
      })
      // buckets: properties and usage in the system bucket (src/buckets/)
      const buckets = nodeBuckets({ selfId, coordinator: this.coordinator, store, placement, members: () => membership.members(), quorums: () => this.quorums, replicasOf: key => this.replicasOf(key), refreshMs: o.bucketRefreshMs, metrics: this.metrics, logger })
      this.bucketRegistry = buckets.registry
      this.bucketKv = buckets.kv
      const served = await serveKv({ libp2p, protocol, replica, guard, options: o, kvMetrics, tracing: () => this.tracing, logger })
      wiring.wire({ client, healing, quorums: this.quorums, options: o, node: this, log })
      // pulls are served before this peer is known; a joiner starts hearing the ring at once
      await healing.start(replica, mode)
      wiring.start()
      this.discovery = new Discovery({
        libp2p, cluster: this.cluster, protocol, members: () => membership.members(), datastore: store.raw,
        remembered: await loadKnownPeers(store.raw).catch(() => []), periodMs: o.heartbeatMs ?? C.DEFAULT_HEARTBEAT_MS,
        log: logger.forComponent('meshkv:discovery'), metrics: this.metrics
      })
      this.discovery.start()
      healing.startBackground()
      this.unregisterGauges = registerNodeGauges(this.metrics, {
        members: () => this.membership?.membersWithPhi() ?? [],
        ringSize: () => this.view?.ring.size ?? 0,
        hintsPending: () => this.healing?.hintsPending ?? 0,
        keysIndexed: () => this.healing?.keysIndexed,
        tombstonesPending: () => this.healing?.tombstonesPending ?? 0,
        servedInflight: () => served.value,
        sentInflight: () => this.client?.inflight ?? 0,
        queuedWrites: () => this.store?.queuedWrites ?? 0,
        recordBytes: async () => this.store?.approximateRecordBytes()
      })
      this.bucketRegistry.start()
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
    this.healing?.stopTransfers()
    this.unregisterGauges?.()
    await this.bucketRegistry?.stop()
    await this.discovery?.stop().catch(() => {})
    this.discovery = undefined
    await this.wiring?.stop(options)
    this.wiring = undefined
    await this.healing?.stop()
    await this.client?.close().catch(() => {})
    this.directUpgrade?.stop()
    await this.libp2pNode?.stop()
    await this.tracing.shutdown().catch(() => {})
    this.tracing = NO_TRACING
    await this.store?.close()
    this.membership = undefined
    this.coordinator = undefined
    this.replica = undefined
    this.bucketKv = undefined
    this.bucketRegistry = undefined
  }

  /**
   * Tell the others now that this peer is leaving, as stop() does first: a
   * browser tab that is being closed may not live to finish a stop, and
   * without it the others count it up until their failure detectors run out.
   */
  async announceLeaving (): Promise<void> {
    await this.membership?.announceLeaving()
  }

  /**
   * Leave the cluster for good: push every key this peer holds to its owners
   * in the ring without it, announce leaving, push again what changed
   * meanwhile, then stop. Bounded by `timeoutMs` (then it stops anyway);
   * progress is in `status().transfer.leave`. A second call joins the first.
   */
  async leave (options: { timeoutMs?: number } = {}): Promise<void> {
    this.leaving ??= (async () => {
      const healing = this.healing
      if (healing === undefined) throw new NotStartedError()
      try {
        await healing.leave(AbortSignal.timeout(options.timeoutMs ?? C.DEFAULT_LEAVE_TIMEOUT_MS))
      } finally {
        await this.stop()
        healing.left()
      }
    })()
    await this.leaving
  }

  /** Settles when this peer is up: at once for a member, once its ranges are pulled for a joiner. */
  async ready (): Promise<void> {
    await this.healing?.ready()
  }

  /** Write `key` in `options.bucket` (default: the default bucket); a named bucket must exist and its quotas hold. */
  async put (key: string, value: Uint8Array, options?: WriteOptions & BucketOption): Promise<PutResult> {
    return this.kv().put(key, value, options)
  }

  async get (key: string, options?: ReadOptions & BucketOption): Promise<GetResult> {
    return this.kv().get(key, options)
  }

  async delete (key: string, options?: WriteOptions & BucketOption): Promise<PutResult> {
    return this.kv().delete(key, options)
  }

  /** Create a bucket or set its properties (n, r, w, maxKeys, maxBytes), cluster-wide. */
  async setBucket (name: string, settings: unknown): Promise<BucketInfo> {
    return this.kv().set(name, settings)
  }

  /** A bucket's properties, quorums and cluster-wide usage; NoSuchBucket for one nobody created. */
  async bucket (name: string): Promise<BucketInfo> {
    return this.kv().info(name)
  }

  async buckets (): Promise<BucketInfo[]> {
    return this.kv().list()
  }

  /** Read the bucket catalog and count, publish and sum usage now, instead of at the next refresh (tests, operators). */
  async refreshBuckets (): Promise<void> {
    if (this.bucketRegistry === undefined) throw new NotStartedError()
    await this.bucketRegistry.refresh()
  }

  /** Replicas of an internal key: its bucket's n (as cached), else the cluster's. */
  private replicasOf (key: string): number {
    return this.bucketRegistry?.replicasOf(key) ?? this.quorums.n
  }

  /**
   * Every key of the cluster with its merged record (siblings, tombstones,
   * causal history), in storage order: this peer's store and every other
   * member that is up, each scanned over range transfer, merged key by key
   * with DVV sync (src/backup/). `skipped`: members in the ring that are
   * not up, whose copies are not read (keys only they hold are missing).
   * Pulled lazily: one batch per holder is held at a time.
   */
  exportScan (options: { signal?: AbortSignal, batchBytes?: number } = {}): ClusterScan {
    const store = this.store
    if (store === undefined || this.libp2pNode === undefined) throw new NotStartedError()
    return clusterScan({
      libp2p: this.libp2pNode,
      store,
      selfId: this.peerId,
      members: this.members(),
      cluster: this.cluster,
      maxValueBytes: this.options.maxValueBytes ?? C.DEFAULT_MAX_VALUE_BYTES,
      batchBytes: options.batchBytes ?? this.options.transferBatchBytes ?? C.DEFAULT_TRANSFER_BATCH_BYTES,
      signal: options.signal
    })
  }

  /**
   * Merge a record (from an export) into the key's replicas with DVV sync,
   * as a read repair would: never replaces causally newer data, mints
   * nothing, and a second import of it changes nothing. Resolves with the
   * peers that took it once w of them did.
   */
  async importRecord (key: string, record: KvRecord, options: { timeoutMs?: number } = {}): Promise<string[]> {
    const { placement, replica, client } = this
    if (placement === undefined || replica === undefined || client === undefined) throw new NotStartedError()
    const { n, w } = await this.bucketRegistry?.quorumsOfKey(key) ?? this.quorums
    return importRecord({
      placement,
      replica,
      client,
      n,
      w,
      timeoutMs: options.timeoutMs ?? this.options.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS
    }, key, record)
  }

  /** One tombstone collection pass now (tests, operators); what it found and collected. */
  async collectTombstonesNow (): Promise<PassResult> {
    if (this.healing === undefined) throw new NotStartedError()
    return this.healing.collectTombstonesNow()
  }

  /** The replicas of a key in this peer's current view, primary first. */
  preferenceList (key: string): string[] {
    if (this.placement === undefined) throw new NotStartedError()
    return this.placement.preferenceList(key, this.quorums.n)
  }

  /** This peer's own replica state of a key (diagnostics and tests; no quorum): a copy, the caller's to change. */
  async localRecord (key: string): Promise<KvRecord | undefined> {
    if (this.store === undefined) throw new NotStartedError()
    const held = await this.store.get(key)
    // the store's record may be its cache's own (src/store/hot-records.ts)
    return held === undefined ? undefined : copyRecord(held)
  }

  /**
   * Run Merkle anti-entropy now with `peerId`, or with every co-replica that
   * is up in turn, and say what it repaired: records sent to and received
   * from them, bytes both ways, round trips.
   */
  async antiEntropyNow (peerId?: string): Promise<ExchangeReport> {
    if (this.healing === undefined) throw new NotStartedError()
    return this.healing.antiEntropyNow(peerId)
  }

  multiaddrs (): string[] {
    return this.host().getMultiaddrs().map(a => a.toString())
  }

  members (): Member[] {
    return this.membership?.members() ?? []
  }

  /** The ring of this peer's current view (empty before start): an immutable snapshot. */
  ring (): Ring {
    return this.view?.ring ?? new Ring([])
  }

  /** the placement of the current ring (undefined before start) */
  private get placement (): RingPlacement | undefined {
    return this.view?.ringPlacement
  }

  /** keys in this peer's store (its anti-entropy index, once built), said in its announcements */
  private keysHeld (): number | undefined {
    const ae = this.healing?.status().antiEntropy
    return ae?.ready === true ? ae.indexedKeys : undefined
  }

  status (): NodeStatus {
    return nodeStatus({
      peerId: this.peerId,
      cluster: this.cluster,
      multiaddrs: this.multiaddrs(),
      quorums: this.quorums,
      options: this.options,
      libp2p: this.libp2pNode,
      membership: this.membership,
      ring: this.view?.ring,
      healing: this.healing?.status(),
      admission: this.admission,
      breakers: this.breakers,
      directUpgrade: this.directUpgrade,
      discovery: this.discovery
    })
  }

  /** Take a signed revocation (`meshkv cluster revoke`): kept, spread to every member, the peer dropped and refused. */
  async revoke (revocation: Uint8Array): Promise<{ peer: string, added: boolean }> {
    if (this.admission === undefined) throw new NotStartedError()
    return this.admission.revoke(revocation)
  }

  /** Every revocation this peer holds (signed bytes). */
  revocations (): Uint8Array[] {
    return this.admission?.revocations() ?? []
  }

  /** Open or closed, the cluster key's id, this peer's certificate expiry, revocations known. */
  admissionStatus (): AdmissionStatus | undefined {
    return this.admission?.status()
  }

  /** Hand hinted keys to owners that are back now, instead of at the next tick (tests, diagnostics). */
  async deliverHints (): Promise<void> {
    await this.healing?.deliverHints()
  }

  private host (): MeshHost {
    if (this.libp2pNode === undefined) throw new NotStartedError()
    return this.libp2pNode
  }

  private kv (): BucketKv {
    if (this.bucketKv === undefined || this.coordinator === undefined) throw new NotStartedError()
    return this.bucketKv
  }
}

export async function createNode (options: NodeOptions): Promise<MeshNode> {
  const node = new MeshNode(options)
  await node.start()
  return node
}
