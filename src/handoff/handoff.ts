/**
 * Range transfer on join and leave, and the handover of keys a peer no
 * longer owns, composed for the node (riak_core's handoff: sender,
 * receiver, manager): serves pulls on `/meshkv/<cluster>/transfer/1.0.0`,
 * runs a fresh peer's join in the background, runs the handover sweeps,
 * and a leave on demand. Status goes to `status` (NodeStatus.transfer).
 */
import * as C from '../constants.js'
import { Ring } from '../ring/index.js'
import { clearTokens, loadTokens } from '../membership/token-store.js'
import { CursorStore } from './cursor-store.js'
import { Handover } from './handover.js'
import { join } from './joiner.js'
import { leave } from './leaver.js'
import { TransferManager } from './transfer-manager.js'
import { TransferSender } from './transfer-sender.js'
import type { TransferStatus } from './transfer-manager.js'
import type { Member } from '../membership/view.js'
import type { MetricsRegistry } from '../metrics.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { RecordStore } from '../store/record-store.js'
import type { KvRecord } from '../store/record.js'
import type { ComponentLogger, Libp2p, StreamHandler } from '@libp2p/interface'

export interface HandoffInit {
  libp2p: Libp2p
  cluster: string
  self: { id: string, capacity: number, zone?: string }
  store: RecordStore
  client: KvClient
  /** the replica's merge path (DVV sync) */
  merge: (key: string, record: KvRecord) => Promise<unknown>
  /** the view's members, all states */
  members: () => Member[]
  /** the members that hold ring positions */
  inRing: (m: Member) => boolean
  /** the ring placement uses now */
  ring: () => Ring
  n: () => number
  tokensPerUnit: () => number
  /** keys never dropped by the handover although not owned (hints held for a down owner) */
  keep: (key: string) => boolean | Promise<boolean>
  saveTokens: (tokens: bigint[]) => Promise<void>
  /** announce this joiner's chosen tokens (it is still joining) */
  setTokens: (tokens: bigint[]) => void
  announceUp: () => Promise<void>
  announceLeaving: () => Promise<void>
  options: { joinWaitMs?: number, transferBatchBytes?: number, dropAfterStableMs?: number, dropRate?: number, heartbeatMs?: number, maxValueBytes: number }
  logger: ComponentLogger
  metrics: MetricsRegistry
  /** milestones for people (the node turns them into 'transfer' events) */
  report: (message: string, fields: Record<string, unknown>) => void
  /** wraps the pull handler so it serves members only (src/admission/gate.ts); absent: everyone */
  guard?: (handler: StreamHandler) => StreamHandler
}

/** How a peer starts: joining (fresh with somewhere to join, or a join cut short), with the tokens of an interrupted join. */
export async function joinMode (store: RecordStore, bootstrap: readonly string[]): Promise<{ joining: boolean, resumeTokens?: bigint[] }> {
  const cursors = new CursorStore(store.raw)
  if (await cursors.hasLeft()) await forgetLeftData(store, cursors)
  const resuming = await cursors.isJoining()
  const stored = await loadTokens(store.raw)
  // a join cut short goes on whatever the bootstrap list says now
  const joining = resuming || (bootstrap.length > 0 && stored === undefined)
  return { joining, resumeTokens: joining && resuming ? stored : undefined }
}

/**
 * A peer that left handed every key to its new owners; its records are as
 * they were then. Started again, it must not serve or push them (writes
 * since are missing, deletes since may be collected): they are dropped and
 * it joins afresh, pulling its ranges. The marker goes last, so a crash
 * here drops the rest on the next start.
 */
async function forgetLeftData (store: RecordStore, cursors: CursorStore): Promise<void> {
  for await (const [key] of store.entries()) await store.remove(key, () => true)
  await clearTokens(store.raw)
  await cursors.clear()
  await cursors.setLeft(false)
}

export class Handoff {
  private readonly manager: TransferManager
  private readonly handover: Handover
  private readonly cursors: CursorStore
  private readonly protocol: string
  private readonly joinStop = new AbortController()
  private joined: Promise<void> = Promise.resolve()

  constructor (private readonly init: HandoffInit) {
    const { store, logger, metrics, options } = init
    this.protocol = C.transferProtocol(init.cluster)
    this.cursors = new CursorStore(store.raw)
    this.manager = new TransferManager({
      libp2p: init.libp2p,
      protocol: this.protocol,
      cursors: this.cursors,
      merge: init.merge,
      batchBytes: options.transferBatchBytes ?? C.DEFAULT_TRANSFER_BATCH_BYTES,
      timeoutMs: C.DEFAULT_TRANSFER_TIMEOUT_MS,
      maxValueBytes: options.maxValueBytes,
      log: logger.forComponent('meshkv:transfer'),
      metrics,
      report: init.report
    })
    this.handover = new Handover({
      selfId: init.self.id,
      store,
      client: init.client,
      n: init.n,
      ring: init.ring,
      keep: init.keep,
      stableMs: options.dropAfterStableMs ?? C.DEFAULT_DROP_AFTER_STABLE_MS,
      rate: options.dropRate ?? C.DEFAULT_DROP_RATE,
      pushTimeoutMs: C.DEFAULT_REPLICA_TIMEOUT_MS,
      status: this.manager.status,
      log: logger.forComponent('meshkv:handover'),
      metrics,
      report: init.report
    })
  }

  get status (): TransferStatus {
    return this.manager.status
  }

  /** Serve pulls, start the handover, and, for a joiner, join in the background (`ready()` settles when it is up). */
  async start (mode: { joining: boolean, resumeTokens?: bigint[] }): Promise<void> {
    const { init } = this
    const sender = new TransferSender({ store: init.store, log: init.logger.forComponent('meshkv:transfer-sender'), metrics: init.metrics })
    const handler: StreamHandler = (stream) => { sender.serve(stream) }
    await init.libp2p.handle(this.protocol, init.guard?.(handler) ?? handler, { maxInboundStreams: 16, maxOutboundStreams: 16, runOnLimitedConnection: true })
    this.handover.viewChanged()
    this.handover.start()
    if (!mode.joining) {
      this.manager.status.state = 'up'
      return
    }
    const log = init.logger.forComponent('meshkv:join')
    const others = (): Member[] => init.members().filter(m => m.id !== init.self.id)
    const heartbeatMs = init.options.heartbeatMs ?? C.DEFAULT_HEARTBEAT_MS
    this.joined = join({
      self: init.self,
      resumeTokens: mode.resumeTokens,
      ringMembers: () => others().filter(init.inRing),
      joiningMembers: () => others().filter(m => m.state === 'joining'),
      n: init.n,
      tokensPerUnit: init.tokensPerUnit,
      waitMs: init.options.joinWaitMs ?? C.DEFAULT_JOIN_WAIT_MS,
      settleMs: Math.max(1_000, 2 * heartbeatMs),
      cursors: this.cursors,
      manager: this.manager,
      saveTokens: init.saveTokens,
      setTokens: init.setTokens,
      announceUp: init.announceUp,
      log,
      signal: this.joinStop.signal
    }).catch(err => { log.error('join failed: %s', (err as Error).message) })
  }

  /** The view changed (the handover sweeps once the ring is stable again). */
  viewChanged (): void {
    this.handover.viewChanged()
  }

  async ready (): Promise<void> {
    await this.joined
  }

  /** Push every key to its owners in the ring without this peer, announce leaving, push what changed since. */
  async leave (signal: AbortSignal): Promise<void> {
    this.joinStop.abort()
    const { init } = this
    await leave({
      selfId: init.self.id,
      store: init.store,
      client: init.client,
      n: init.n,
      ringWithoutSelf: () => new Ring(init.members().filter(m => init.inRing(m) && m.id !== init.self.id), { tokensPerUnit: init.tokensPerUnit() }),
      announceLeaving: init.announceLeaving,
      manager: this.manager,
      gossipWaitMs: 3 * (init.options.heartbeatMs ?? C.DEFAULT_HEARTBEAT_MS),
      pushTimeoutMs: C.DEFAULT_REPLICA_TIMEOUT_MS,
      signal,
      log: init.logger.forComponent('meshkv:leave'),
      metrics: init.metrics
    })
    // every key went to its new owners (there were some: a lone peer pushes
    // nowhere and keeps its data): this data dir no longer speaks for any range
    const done = this.manager.status.leave
    const owners = init.members().filter(m => init.inRing(m) && m.id !== init.self.id)
    if (!signal.aborted && owners.length > 0 && done !== undefined && done.failed === 0 && done.pushed === done.total) await this.cursors.setLeft(true)
  }

  stop (): void {
    this.joinStop.abort()
    this.manager.stop()
    this.handover.stop()
  }
}
