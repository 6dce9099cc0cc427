/**
 * Local-first reads and writes over a node: while no peer is reachable a
 * read is answered from what this tab last saw (marked stale) and a write is
 * queued durably (LocalStore) and sent once peers are back. Every write
 * carries the causal context of what this tab had seen of the key, so a
 * queued one becomes a sibling of what others wrote meanwhile instead of
 * overwriting it; its write id makes a resend after a half-applied send
 * apply once.
 */
import { defaultLogger } from '@libp2p/logger'
import { DEFAULT_MAX_VALUE_BYTES } from '../constants.js'
import { errorCode, InvalidArgumentError } from '../errors.js'
import { validatePlainKey, validateValue } from '../coordinator/validate.js'
import { DEFAULT_BUCKET } from '../buckets/encoding.js'
import type { CachedKey, LocalStore, PendingWrite } from './local-store.js'
import type { MeshNode } from '../node.js'
import type { PutResult } from '../coordinator/coordinator.js'

export interface LocalFirstInit {
  node: MeshNode
  local: LocalStore
  /** how often queued writes are retried while any are pending (ms) */
  retryMs: number
  /** deadline of one request to the cluster (ms) */
  requestTimeoutMs: number
}

export interface LocalRead {
  values: string[]
  /** answered from this tab's copy, not the cluster: may be out of date */
  stale: boolean
  /** a write of this key is queued; `values` is that write */
  pending: boolean
}

export interface LocalWrite {
  /** queued, not yet sent: no peer was reachable */
  queued: boolean
  /** the key's values after the write (the queued value alone while queued) */
  values: string[]
}

/** Failures that mean "no peers now": a write is queued, a read answered from this tab's copy, a pass over the queue ends. */
const UNREACHABLE = new Set(['ERR_QUORUM_NOT_MET', 'ERR_TIMEOUT', 'ERR_NOT_STARTED', 'ERR_CIRCUIT_OPEN', 'ERR_OVERLOADED'])

/**
 * Refusals that no resend would change (the request itself is wrong, or
 * this tab may not write): only these drop a queued write. Anything else
 * (a fault of this tab or of a peer) keeps it queued, to be tried again:
 * a write is never lost to a failure that might pass.
 */
const REFUSED_FOR_GOOD = new Set(['ERR_INVALID_KEY', 'ERR_PAYLOAD_TOO_LARGE', 'ERR_INVALID_CONTEXT', 'ERR_INVALID_ARGUMENT',
  'ERR_TOO_MANY_SIBLINGS', 'ERR_RECORD_TOO_LARGE', 'ERR_NOT_A_MEMBER', 'ERR_UNAUTHORIZED', 'ERR_INVALID_BUCKET', 'ERR_NO_SUCH_BUCKET', 'ERR_QUOTA'])

const utf8 = new TextEncoder()
const text = new TextDecoder()

export class LocalFirst extends EventTarget {
  private timer?: ReturnType<typeof setInterval>
  private flushing?: Promise<void>
  private readonly log = defaultLogger().forComponent('meshkv:local-first')
  private readonly onConnect = (): void => { this.flushSoon() }

  constructor (private readonly init: LocalFirstInit) {
    super()
  }

  start (): void {
    this.timer = setInterval(() => { if (this.init.local.pending().length > 0) this.flushSoon() }, this.init.retryMs)
    this.init.node.libp2p.addEventListener('connection:open', this.onConnect)
    this.flushSoon()
  }

  /** A pass over the queue that nobody awaits: a failure (the local database's) is reported, never an unhandled rejection. */
  private flushSoon (): void {
    this.flush().catch(err => { this.log.error('sending the queued writes failed: %s', (err as Error).message) })
  }

  stop (): void {
    clearInterval(this.timer)
    this.init.node.libp2p.removeEventListener('connection:open', this.onConnect)
  }

  /** Some peer is reachable over a full (not relay-limited) connection. */
  online (): boolean {
    return this.init.node.libp2p.getConnections().some(c => c.limits == null)
  }

  pending (): PendingWrite[] {
    return this.init.local.pending()
  }

  async get (key: string): Promise<LocalRead> {
    // a tab's keys are the default bucket's plain keys, as the cluster checks them (never a bucket's internal key)
    validatePlainKey(key, DEFAULT_BUCKET)
    const queued = this.init.local.pendingFor(key)
    if (queued !== undefined) return { values: queued.value === null ? [] : [queued.value], stale: true, pending: true }
    if (this.online()) {
      try {
        const got = await this.init.node.get(key, { timeoutMs: this.init.requestTimeoutMs })
        const values = got.values.map(v => text.decode(v))
        await this.remember(key, { values, context: got.context, at: Date.now() })
        return { values, stale: false, pending: false }
      } catch (err) {
        // a refusal is the caller's to hear; any other failure leaves this tab's copy as the answer
        if (REFUSED_FOR_GOOD.has(errorCode(err))) throw err
      }
    }
    const cached = await this.init.local.cached(key)
    return { values: cached?.values ?? [], stale: true, pending: false }
  }

  async put (key: string, value: string): Promise<LocalWrite> {
    // checked here, not only in write(): there null means a delete, which a put must never become
    if (typeof value !== 'string') throw new InvalidArgumentError(`a value must be a string, got ${value === null ? 'null' : typeof value}`)
    return this.write(key, value)
  }

  async delete (key: string): Promise<LocalWrite> {
    return this.write(key, null)
  }

  private async write (key: string, value: string | null): Promise<LocalWrite> {
    // checked before it is queued, as the cluster checks it: a write the cluster would refuse must fail now, not at some later send
    validatePlainKey(key, DEFAULT_BUCKET)
    if (value !== null) validateValue(utf8.encode(value), this.init.node.options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES)
    const local = this.init.local
    const queued = local.pendingFor(key)
    // a write over a queued one replaces it: this tab's own writes supersede each other
    const context = queued?.context ?? (await local.cached(key))?.context ?? ''
    const write: PendingWrite = { key, value, context, writeId: randomHex(16), at: queued?.at ?? Date.now() }
    if (queued === undefined && this.online()) {
      try {
        const out = await this.send(write)
        return { queued: false, values: out.values.map(v => text.decode(v)) }
      } catch (err) {
        // refused for good: the caller hears why; anything else may pass, so the write waits in the queue
        if (REFUSED_FOR_GOOD.has(errorCode(err))) throw err
        this.unreachable(err)
      }
    }
    await local.queue(write)
    this.changed()
    return { queued: true, values: value === null ? [] : [value] }
  }

  /** Send the queued writes, oldest first, while peers answer; one pass at a time. */
  async flush (): Promise<void> {
    if (this.flushing === undefined) {
      this.flushing = this.sendQueued().finally(() => { this.flushing = undefined })
    }
    await this.flushing
  }

  private async sendQueued (): Promise<void> {
    // after the caller has kept the promise: a pass with nothing to do must not end before it is kept
    await Promise.resolve()
    for (const w of this.init.local.pending()) {
      if (!this.online()) return
      try {
        await this.send(w)
      } catch (err) {
        const code = errorCode(err)
        if (UNREACHABLE.has(code)) { this.unreachable(err); return }
        if (!REFUSED_FOR_GOOD.has(code)) {
          // kept for the next pass; the writes after it are tried now, so one that keeps failing blocks no other
          this.unreachable(err)
          continue
        }
        // refused for good (too large, a bad context): dropped and reported, as kept it would block the queue forever
        this.dispatchEvent(new CustomEvent('dropped', { detail: { write: w, code, error: (err as Error).message } }))
      }
      await this.init.local.sent(w.key, w.writeId)
      this.changed()
    }
  }

  private async send (w: PendingWrite): Promise<PutResult> {
    const node = this.init.node
    const options = { context: w.context === '' ? undefined : w.context, writeId: fromHex(w.writeId), timeoutMs: this.init.requestTimeoutMs }
    const out = w.value === null ? await node.delete(w.key, options) : await node.put(w.key, utf8.encode(w.value), options)
    await this.remember(w.key, { values: out.values.map(v => text.decode(v)), context: out.context, at: Date.now() })
    return out
  }

  /** Keep what the cluster answered for offline reads and later contexts; best effort: a full or failing cache fails no request. */
  private async remember (key: string, entry: CachedKey): Promise<void> {
    try {
      await this.init.local.cache(key, entry)
    } catch (err) {
      this.log.error('caching %s failed: %s', key, (err as Error).message)
    }
  }

  /** why the cluster could not be reached, for the page to show */
  private unreachable (err: unknown): void {
    this.dispatchEvent(new CustomEvent('unreachable', { detail: (err as Error).message }))
  }

  private changed (): void {
    this.dispatchEvent(new CustomEvent('pending', { detail: this.init.local.pending().length }))
  }
}

function randomHex (bytes: number): string {
  return [...globalThis.crypto.getRandomValues(new Uint8Array(bytes))].map(b => b.toString(16).padStart(2, '0')).join('')
}

function fromHex (hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}
