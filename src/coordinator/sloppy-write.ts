/**
 * The coordinating replica's fan-out of a write under sloppy quorum. Each
 * target fills one owner's slot: the owner itself, or a stand-in holding a
 * hint for it. A slot whose target fails, or stays silent past
 * `hedgeAfterMs`, is backed up by the next spare peer of the ring walk, sent
 * the record with a hint naming the slot's owner. A slot counts once toward
 * W, whoever of its attempts acknowledged first; spares are shared, each
 * used by one slot at most.
 *
 * A slot no attempt filled (its target failed or stayed silent, and no spare
 * was left, as on the small side of a partition) is reported through
 * `onUnfilled`, also after the quorum answered: its owner holds no copy and
 * no stand-in a hint, so the coordinator keeps a hint for it.
 */
import { quorum } from './quorum.js'
import type { QuorumResult, Reply } from './quorum.js'
import type { SloppyTarget } from './placement.js'

export interface SloppyWriteOptions {
  op: string
  /** the targets to send to (this peer's own slot left out) */
  targets: SloppyTarget[]
  spares: string[]
  required: number
  /** acks in hand already (this peer's own) */
  counted: Array<Reply<string>>
  /** each attempt's deadline (ms) */
  timeoutMs: number
  /** silence after which a spare joins in for a slot (ms) */
  hedgeAfterMs: number
  /** send the record to a peer, with a hint for `hintFor` when it stands in */
  send: (peer: string, hintFor: string | undefined, timeoutMs: number) => Promise<void>
  /** a slot ended with no copy at its owner and no hint at a stand-in (called once per such slot) */
  onUnfilled?: (owner: string) => void
}

/** Resolves with one reply per acknowledged slot, its value the peer that acknowledged. */
export async function sloppyWrite (o: SloppyWriteOptions): Promise<QuorumResult<string>> {
  const spares = [...o.spares]
  const started = performance.now()
  const calls = o.targets.map(t => ({
    peer: t.peer,
    run: async () => fillSlot(t, spares, o, started)
  }))
  return quorum<string>(o.op, calls, o.required, o.counted)
}

async function fillSlot (target: SloppyTarget, spares: string[], o: SloppyWriteOptions, started: number): Promise<string> {
  const owner = target.hintFor ?? target.peer
  return new Promise<string>((resolve, reject) => {
    let running = 0
    let done = false
    const errors: string[] = []
    let timer: ReturnType<typeof setTimeout> | undefined
    // the sends carry their own deadlines; this one holds even if one does not
    const deadline = setTimeout(() => { finish(new Error([...errors, 'no reply before the deadline'].join('; '))) }, Math.max(0, o.timeoutMs - (performance.now() - started)))
    const attempt = (peer: string, hintFor: string | undefined): void => {
      const left = Math.floor(o.timeoutMs - (performance.now() - started))
      if (left <= 0) { if (running === 0) finish(new Error(errors.join('; ') || 'no time left')); return }
      running++
      o.send(peer, hintFor, left).then(() => {
        running--
        if (!done) { done = true; clearTimeout(timer); clearTimeout(deadline); resolve(peer) }
      }, (err: Error) => {
        running--
        errors.push(`${peer.slice(-8)}${hintFor !== undefined ? ' (hinted)' : ''}: ${err.message}`)
        if (!backup() && running === 0) finish(new Error(errors.join('; ')))
      })
    }
    const backup = (): boolean => {
      if (done) return true
      const spare = spares.shift()
      if (spare === undefined) return false
      clearTimeout(timer)
      attempt(spare, owner)
      return true
    }
    const finish = (err: Error): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(deadline)
      o.onUnfilled?.(owner)
      reject(err)
    }
    attempt(target.peer, target.hintFor)
    // silent past the hedge delay: a spare joins in (the first answer wins)
    timer = setTimeout(() => { backup() }, o.hedgeAfterMs)
  })
}
