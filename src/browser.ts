/**
 * The browser entry: the same node (MeshNode) with the browser's
 * transports (WebSockets, WebRTC, circuit relay: transports.browser.ts,
 * swapped in by package.json's `browser` field) and IndexedDB storage
 * (browser-level, through level's own `browser` field), wrapped in the
 * local-first layer that answers and queues while no peer is reachable.
 */
import './shim.js'
import * as C from './constants.js'
import { MeshNode } from './node.js'
import { LocalFirst } from './browser/local-first.js'
import { LocalStore } from './browser/local-store.js'
import { WebRtcMesh } from './browser/webrtc-mesh.js'
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
  /** most keys whose last seen values are kept for reads while offline */
  maxCached?: number
  /** how often queued writes are retried (ms) */
  retryMs?: number
}

export interface BrowserNode {
  node: MeshNode
  local: LocalFirst
  stop: () => Promise<void>
}

/**
 * Start a browser peer. Capacity defaults to 0: the tab coordinates and
 * caches but holds no share of the data; given capacity it is a storage
 * member like any daemon.
 */
export async function createBrowserNode (options: BrowserNodeOptions): Promise<BrowserNode> {
  const { name = 'meshkv', maxPending, maxCached, retryMs, ...rest } = options
  const cluster = rest.cluster ?? C.DEFAULT_CLUSTER
  const capacity = rest.capacity ?? 0
  const store = new LocalStore({ location: `${name}-${cluster}-local`, maxPending: maxPending ?? C.DEFAULT_MAX_PENDING_WRITES, maxCached: maxCached ?? C.DEFAULT_MAX_CACHED_KEYS })
  await store.open()
  const node = new MeshNode({ ...rest, capacity, dataDir: `${name}-${cluster}` })
  try {
    await node.start()
  } catch (err) {
    await store.close()
    throw err
  }
  // a tab is ready once it has heard a member (or after a while, offline): its first request then has a ring to go by
  await Promise.race([node.ready(), new Promise(resolve => setTimeout(resolve, C.DEFAULT_JOIN_WAIT_MS))])
  await heardCluster(node, C.DEFAULT_JOIN_WAIT_MS)
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
    }
  }
}

/** Settles once the node's view holds another member that is up, or after `ms`. */
async function heardCluster (node: MeshNode, ms: number): Promise<void> {
  const heard = (): boolean => node.members().some(m => m.id !== node.peerId && m.state === 'up')
  if (heard()) return
  await new Promise<void>(resolve => {
    const done = (): void => { clearTimeout(timer); node.removeEventListener('members', check); resolve() }
    const check = (): void => { if (heard()) done() }
    const timer = setTimeout(done, ms)
    node.addEventListener('members', check)
  })
}
