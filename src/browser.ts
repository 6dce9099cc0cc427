/**
 * The browser entry: the same node (MeshNode) with the browser's
 * transports (WebSockets, WebRTC, circuit relay: transports.browser.ts,
 * swapped in by package.json's `browser` field) and IndexedDB storage
 * (browser-level, through level's own `browser` field), wrapped in the
 * local-first layer that answers and queues while no peer is reachable.
 */
import './shim.js'
import * as C from './constants.js'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError } from './errors.js'
import { MeshNode } from './node.js'
import { LocalFirst } from './browser/local-first.js'
import { LocalStore } from './browser/local-store.js'
import { WebRtcMesh } from './browser/webrtc-mesh.js'
import { heardAll, MAX_PAGE_MEMBERS } from './browser/awaited-members.js'
import { startStep } from './browser/start-deadline.js'
import type { NodeOptions } from './node-types.js'

export { LocalFirst } from './browser/local-first.js'
export type { LocalRead, LocalWrite } from './browser/local-first.js'
export type { PendingWrite } from './browser/local-store.js'
export { QueueFullError } from './errors.js'

export interface BrowserNodeOptions extends Omit<NodeOptions, 'dataDir'> {
  /** prefix of this tab's IndexedDB databases (default "meshkv"); two tabs of one origin need different names */
  name?: string
  /** most writes queued while no peer is reachable (default DEFAULT_MAX_PENDING_WRITES) */
  maxPending?: number
  /** most bytes the queued writes take (default DEFAULT_MAX_PENDING_BYTES) */
  maxPendingBytes?: number
  /** most keys whose last seen values are kept for reads while offline */
  maxCached?: number
  /** how often queued writes are retried (ms) */
  retryMs?: number
  /**
   * Peer ids of the members (up, in the ring) the cluster had when the page
   * was served: the tab is ready once it has heard each of them but itself
   * (or after DEFAULT_JOIN_WAIT_MS): see browser/awaited-members.ts
   */
  members?: string[]
  /** how long the tab's local store may take to open before the start fails with a TimeoutError (ms; default DEFAULT_BROWSER_OPEN_TIMEOUT_MS) */
  openTimeoutMs?: number
  /** how long the node may take to start (its store opened, libp2p listening) before the start fails with a TimeoutError (ms; default DEFAULT_BROWSER_START_TIMEOUT_MS) */
  startTimeoutMs?: number
}

export interface BrowserNode {
  node: MeshNode
  local: LocalFirst
  stop: () => Promise<void>
}

/**
 * Start a browser peer. Capacity defaults to 0: the tab coordinates and
 * caches but holds no share of the data; given capacity it is a storage
 * member like any daemon. Opening its stores and starting the node have
 * deadlines of their own (TimeoutError past them; what they hold is let go
 * once they end); the wait to hear the cluster after is bounded too.
 */
export async function createBrowserNode (options: BrowserNodeOptions): Promise<BrowserNode> {
  const { name: base = 'meshkv', maxPending, maxPendingBytes, maxCached, retryMs, members = [], openTimeoutMs, startTimeoutMs, ...rest } = options
  const cluster = rest.cluster ?? C.DEFAULT_CLUSTER
  const capacity = rest.capacity ?? 0
  const { name, release } = await claimDatabases(`${base}-${cluster}`)
  const store = new LocalStore({ location: `${name}-local`, maxPending: maxPending ?? C.DEFAULT_MAX_PENDING_WRITES, maxPendingBytes: maxPendingBytes ?? C.DEFAULT_MAX_PENDING_BYTES, maxCached: maxCached ?? C.DEFAULT_MAX_CACHED_KEYS })
  // a tab serves no relay and answers no AutoNAT: its reach is its transports (transports.browser.ts);
  // it finds the cluster through the page's bootstrap list, not the DHT or mDNS
  const node = new MeshNode({ dht: false, mdns: false, ...rest, capacity, dataDir: name, reach: { relayServer: false, relayReservation: false, autonat: false, dcutr: false, upnp: false, ...rest.reach } })
  const closeStore = async (): Promise<void> => {
    await store.close().catch(() => {})
    release()
  }
  await startStep(store.open(), openTimeoutMs ?? C.DEFAULT_BROWSER_OPEN_TIMEOUT_MS, `this tab's local store (IndexedDB ${name}-local) did not open`, closeStore)
  await startStep(node.start(), startTimeoutMs ?? C.DEFAULT_BROWSER_START_TIMEOUT_MS, `this tab's node (its store, IndexedDB ${name}) did not start`, async started => {
    // a start that failed stopped itself; one that ended past the deadline is stopped here
    if (started.status === 'fulfilled') await node.stop().catch(() => {})
    await closeStore()
  })
  // a tab is ready once it has heard a member, its first request then having a ring to go by; or at
  // once when no bootstrap peer answers: offline, it serves its copy and queues writes from the start
  if (await reachedAny(node, rest.bootstrap ?? [])) {
    await Promise.race([node.ready(), new Promise(resolve => setTimeout(resolve, C.DEFAULT_JOIN_WAIT_MS))])
    await heardCluster(node, members.slice(0, MAX_PAGE_MEMBERS), C.DEFAULT_JOIN_WAIT_MS)
  }
  const requestTimeoutMs = rest.requestTimeoutMs ?? C.DEFAULT_REQUEST_TIMEOUT_MS
  const local = new LocalFirst({ node, local: store, retryMs: retryMs ?? C.DEFAULT_PENDING_RETRY_MS, requestTimeoutMs })
  local.start()
  const mesh = new WebRtcMesh(node, capacity === 0, rest.heartbeatMs ?? C.DEFAULT_HEARTBEAT_MS)
  mesh.start()
  return {
    node,
    local,
    async stop () {
      mesh.stop()
      local.stop()
      await node.stop()
      await store.close()
      release()
    }
  }
}

/** tabs of one browser profile that may run a peer of one cluster at once, each with its own databases */
const MAX_TABS = 16

/**
 * Databases of their own for this tab: tabs of one profile share IndexedDB,
 * and two peers on one database would be one identity twice. The first of
 * `base`, `base-2`, ... that no other tab holds (Web Locks) is this tab's
 * until it stops or closes.
 */
async function claimDatabases (base: string): Promise<{ name: string, release: () => void }> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
  if (locks === undefined) return { name: base, release: () => {} }
  for (let i = 1; i <= MAX_TABS; i++) {
    const name = i === 1 ? base : `${base}-${i}`
    const release = await new Promise<(() => void) | undefined>((resolve, reject) => {
      locks.request(`meshkv:${name}`, { ifAvailable: true }, async lock => {
        if (lock === null) return resolve(undefined)
        // held until release() is called, or the tab goes away
        await new Promise<void>(done => { resolve(done) })
      }).catch(reject)
    })
    if (release !== undefined) return { name, release }
  }
  throw new InvalidArgumentError(`${MAX_TABS} tabs of this browser already run a peer of this cluster`)
}

/** Whether any bootstrap peer answers a dial (one try each, within the dial deadline), or a connection is open already. */
async function reachedAny (node: MeshNode, bootstrap: string[]): Promise<boolean> {
  if (node.libp2p.getConnections().length > 0) return true
  const dials = bootstrap.map(async a => node.libp2p.dial(multiaddr(a), { signal: AbortSignal.timeout(C.DEFAULT_DIAL_TIMEOUT_MS) }))
  return Promise.any(dials).then(() => true, () => node.libp2p.getConnections().length > 0)
}

/** Settles once the node's view holds each of `named` (itself aside) up, or after `ms`. */
async function heardCluster (node: MeshNode, named: string[], ms: number): Promise<void> {
  const heard = (): boolean => heardAll(node.members(), node.peerId, named)
  if (heard()) return
  await new Promise<void>(resolve => {
    const done = (): void => { clearTimeout(timer); node.removeEventListener('members', check); resolve() }
    const check = (): void => { if (heard()) done() }
    const timer = setTimeout(done, ms)
    node.addEventListener('members', check)
  })
}
