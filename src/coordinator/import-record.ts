/**
 * Merge a whole record (from a backup) into a key's replicas: the same DVV
 * sync a read repair or an anti-entropy exchange makes, so what a replica
 * holds that is causally newer, or concurrent, stays; nothing is minted.
 * Sent to the key's sloppy targets (a stand-in keeps a hint for a down
 * owner) and, for a target that fails, to the next spare; acknowledged once
 * `w` slots took it. Importing the same record twice changes nothing.
 */
import { QuorumNotMetError } from '../errors.js'
import { validateKey } from './validate.js'
import { sloppyWrite } from './sloppy-write.js'
import { withRetry } from './retry.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { KvRecord } from '../store/record.js'
import type { Placement } from './placement.js'
import type { Replica } from './replica.js'

export interface ImportRecordInit {
  placement: Placement
  replica: Replica
  client: KvClient
  n: number
  w: number
  timeoutMs: number
}

/** Resolves with the peers that took the record; QuorumNotMetError when fewer than w did. */
export async function importRecord (init: ImportRecordInit, key: string, record: KvRecord): Promise<string[]> {
  validateKey(key)
  const { placement, replica, client, n, w, timeoutMs } = init
  const { targets, spares } = placement.sloppyTargets(key, n)
  const prefs = targets.map(t => t.peer)
  const op = `import ${key}`
  if (targets.length + spares.length < w) throw new QuorumNotMetError(op, { required: w, received: 0, available: targets.length + spares.length, answered: [], failed: [] })
  const self = placement.selfId
  const result = await sloppyWrite({
    op,
    targets,
    spares: spares.filter(p => !prefs.includes(p)),
    required: w,
    counted: [],
    timeoutMs,
    hedgeAfterMs: Math.max(1, Math.floor(timeoutMs / 2)),
    send: async (peer, hintFor, ms) => {
      if (peer === self) await replica.localSync(key, record, hintFor)
      else await withRetry(async left => client.sync(peer, key, record, left, hintFor), { deadline: performance.now() + ms })
    }
  })
  return result.ok.map(r => r.value)
}
