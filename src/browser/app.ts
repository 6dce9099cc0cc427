/**
 * The demo page's script (bundled into dist/web/app.js, served by
 * `meshkv daemon --web` at /app): a tab that is a peer. It reads the
 * daemon's addresses from the page, starts a browser node, and exposes
 * `window.meshkv` for scripts and tests: ready, peerId, put, get, pending,
 * connections. `?capacity=N` makes the tab a storage member.
 */
import { createBrowserNode } from '../browser.js'
import { InvalidArgumentError } from '../errors.js'
import { connectionKind } from './connection-kind.js'
import type { BrowserNode } from '../browser.js'

/** What the daemon puts in the page (http-app.ts). */
interface PageConfig {
  cluster: string
  /** the daemon's WebSocket multiaddrs, with /p2p/<id> */
  bootstrap: string[]
  /** peer ids of the members up when the page was served (the tab waits to hear them) */
  members?: string[]
  /** the cluster's settings: a tab on other defaults is not heard until it adopts them */
  n?: number
  tokensPerUnit?: number
}

interface MeshkvApi {
  ready: Promise<void>
  readonly peerId: string
  put: (key: string, value: string) => Promise<{ queued: boolean, values: string[] }>
  get: (key: string) => Promise<string[]>
  pending: () => Array<{ key: string, value: string | null, at: number }>
  connections: () => string[]
}

declare global {
  interface Window { meshkv: MeshkvApi }
}

const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement

function pageConfig (): PageConfig {
  const raw = document.getElementById('meshkv-config')?.textContent ?? '{}'
  return JSON.parse(raw) as PageConfig
}

function wholeNumber (v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined
}

function capacityParam (): number {
  const raw = new URLSearchParams(location.search).get('capacity')
  const v = raw === null ? 0 : Number(raw)
  if (!Number.isFinite(v) || v < 0 || v > 1_000_000) throw new InvalidArgumentError(`?capacity must be a number from 0 to 1000000, got ${String(raw).slice(0, 40)}`)
  return v
}

let running: BrowserNode | undefined

async function start (): Promise<void> {
  const config = pageConfig()
  const capacity = capacityParam()
  $('role').textContent = capacity > 0 ? `storage member (capacity ${capacity})` : 'coordinator and cache (capacity 0: holds no share)'
  // a member tab announces itself every 2 s, each time with its ring tokens: a tab that holds no
  // share is heard by nobody, so it cannot ask for tokens it lacks, and learns of members it is not
  // connected to (other tabs) only from their periodic announcements (1 in 4 with the tokens: 8 s)
  running = await createBrowserNode({ cluster: config.cluster, bootstrap: config.bootstrap, capacity, n: wholeNumber(config.n), tokensPerUnit: wholeNumber(config.tokensPerUnit), heartbeatMs: 500, memberTimeoutMs: 3000, announceMs: 2000, fullAnnounceEvery: 1, joinWaitMs: 1000, members: Array.isArray(config.members) ? config.members.filter(m => typeof m === 'string') : [] })
  $('peer').textContent = running.node.peerId
  const local = running.local
  local.addEventListener('pending', () => { render() })
  local.addEventListener('unreachable', evt => { console.warn('meshkv: cluster not reached:', (evt as CustomEvent<string>).detail) })
  // a queued write the cluster refused for good (it is gone from the queue): the page says so, never silently
  local.addEventListener('dropped', evt => {
    const { write, error } = (evt as CustomEvent<{ write: { key: string }, error: string }>).detail
    console.warn('meshkv: queued write dropped:', write.key, error)
    show(`queued write of ${write.key} refused by the cluster and dropped: ${error}`)
  })
  running.node.libp2p.addEventListener('connection:open', () => { render() })
  running.node.libp2p.addEventListener('connection:close', () => { render() })
  setInterval(render, 1000)
  render()
}

function render (): void {
  if (running === undefined) return
  const { node, local } = running
  const pending = local.pending()
  $('online').textContent = local.online() ? 'online' : 'offline: reads are from this tab\'s copy, writes are queued'
  $('pending-count').textContent = String(pending.length)
  $('pending').replaceChildren(...pending.map(w => li(`${w.key} = ${w.value === null ? '(delete)' : w.value}  (queued ${new Date(w.at).toLocaleTimeString()})`)))
  $('conns').replaceChildren(...node.libp2p.getConnections().map(c => {
    const addr = c.remoteAddr.toString()
    return li(`${connectionKind(addr, c.limits != null)}: ${c.remotePeer.toString().slice(-8)}  ${addr}`)
  }))
}

function li (text: string): HTMLLIElement {
  const el = document.createElement('li')
  el.textContent = text
  return el
}

function show (text: string): void {
  $('out').textContent = text
}

const ready = start()
ready.catch(err => { show(`failed to start: ${(err as Error).message}`) })

// a tab being closed (or navigated away from) leaves as a stopped daemon does: the leaving
// announcement goes first, while the page can still send it, so the cluster takes the tab out
// at once and does not name it to the next tab it serves (which would wait seconds to hear it)
addEventListener('pagehide', () => {
  if (running === undefined) return
  void running.node.announceLeaving().catch(() => {})
  void running.stop().catch(() => {})
})
// a page restored from the back/forward cache was stopped when it was hidden: start afresh
addEventListener('pageshow', evt => { if (evt.persisted) location.reload() })

window.meshkv = {
  ready,
  get peerId () { return running?.node.peerId ?? '' },
  async put (key, value) {
    await ready
    const out = await running!.local.put(key, value)
    render()
    return out
  },
  async get (key) {
    await ready
    return (await running!.local.get(key)).values
  },
  pending () {
    return running?.local.pending().map(({ key, value, at }) => ({ key, value, at })) ?? []
  },
  connections () {
    return running?.node.libp2p.getConnections().map(c => c.remoteAddr.toString()) ?? []
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('put').addEventListener('click', () => {
    const key = ($('key') as HTMLInputElement).value
    const value = ($('value') as HTMLInputElement).value
    window.meshkv.put(key, value).then(out => {
      show(out.queued ? `queued (no peer reachable): ${key} = ${value}` : `stored: ${key} = ${JSON.stringify(out.values)}`)
    }, err => { show(`put failed: ${(err as Error).message}`) })
  })
  $('get').addEventListener('click', () => {
    const key = ($('key') as HTMLInputElement).value
    window.meshkv.ready.then(async () => running!.local.get(key)).then(r => {
      const note = r.pending ? ' (queued write, not sent yet)' : r.stale ? ' (this tab\'s copy: may be stale)' : ''
      show(r.values.length === 0 ? `not found${note}` : `${key} = ${JSON.stringify(r.values)}${note}`)
    }, err => { show(`get failed: ${(err as Error).message}`) })
  })
})
