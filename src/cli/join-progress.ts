/**
 * A joining daemon's progress on its terminal: arcs of the ring pulled from
 * their holders, of those it must pull, until it is up. Drawn only when
 * stderr is a terminal (src/cli/progress.ts), polled from the node's status,
 * and gone once the peer is up (or stops).
 */
import { progress } from './progress.js'
import type { CliIo } from './io.js'
import type { MeshNode } from '../node.js'

const POLL_MS = 500

export function showJoinProgress (node: MeshNode, io: CliIo): void {
  if (io.stderr.isTTY !== true) return
  const bar = progress(io, { label: 'join', unit: 'arcs' })
  let done = false
  const finish = (): void => {
    if (done) return
    done = true
    clearInterval(timer)
    bar.stop()
  }
  const timer = setInterval(() => {
    const t = node.status().transfer
    if (t === undefined || (t.state !== 'joining' && t.state !== 'catching-up')) return finish()
    if (t.arcsTotal > 0) bar.update(t.arcsDone, t.arcsTotal)
  }, POLL_MS)
  timer.unref()
  node.ready().then(finish, finish)
}
