/**
 * GET /events: server-sent events for the web view. A watcher gets the
 * kept request samples at once (`samples`), then `members` (as GET /members)
 * at every sample period and soon after each membership change, and each new
 * `sample`. The members message every period doubles as the heartbeat that
 * keeps the connection alive. Bounded: at most MAX_WATCHERS at once (more
 * get a 429 with Retry-After, ERR_OVERLOADED: load alone is never a 5xx),
 * and a watcher that reads slower than it is sent to is dropped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'
import type { RequestSeries } from './request-series.js'
import { membersReply } from './http-members.js'
import { sendFailure } from './http-io.js'
import { OverloadedError } from '../errors.js'

export const MAX_WATCHERS = 32
/** what a watcher refused for want of a place is told to wait (s) */
const WATCHERS_RETRY_AFTER_SEC = 10
/** bytes queued for one watcher past which it is dropped */
const MAX_BUFFERED = 1024 * 1024
/** the soonest a membership change is pushed after the last push */
const CHANGE_DEBOUNCE_MS = 200

export class EventHub {
  private readonly watchers = new Set<ServerResponse>()
  private readonly unsample: () => void
  private pending?: ReturnType<typeof setTimeout>
  private readonly onMembers = (): void => {
    if (this.pending !== undefined || this.watchers.size === 0) return
    this.pending = setTimeout(() => { this.pending = undefined; this.pushMembers() }, CHANGE_DEBOUNCE_MS)
  }

  constructor (private readonly node: MeshNode, private readonly series: RequestSeries) {
    this.unsample = series.onSample(s => {
      this.broadcast('sample', s)
      this.pushMembers()
    })
    node.addEventListener('members', this.onMembers)
  }

  get size (): number {
    return this.watchers.size
  }

  watch (req: IncomingMessage, res: ServerResponse): void {
    if (this.watchers.size >= MAX_WATCHERS) {
      sendFailure(res, new OverloadedError(`at most ${MAX_WATCHERS} event streams at once; close one or poll GET /members`, WATCHERS_RETRY_AFTER_SEC))
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    this.watchers.add(res)
    const drop = (): void => { this.watchers.delete(res) }
    res.on('close', drop)
    req.socket.setNoDelay(true)
    res.write('retry: 2000\n\n')
    this.send(res, 'samples', this.series.all())
    this.send(res, 'members', membersReply(this.node))
  }

  close (): void {
    clearTimeout(this.pending)
    this.unsample()
    this.node.removeEventListener('members', this.onMembers)
    for (const res of this.watchers) res.end()
    this.watchers.clear()
  }

  private pushMembers (): void {
    if (this.watchers.size === 0) return
    let members
    try {
      members = membersReply(this.node)
    } catch {
      return // a stopping node: the next period tries again
    }
    this.broadcast('members', members)
  }

  private broadcast (event: string, data: unknown): void {
    for (const res of this.watchers) this.send(res, event, data)
  }

  private send (res: ServerResponse, event: string, data: unknown): void {
    if (res.writableLength > MAX_BUFFERED) {
      this.watchers.delete(res)
      res.destroy()
      return
    }
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
}
