/**
 * Membership changes in the log: one line per peer that came up, went down,
 * is leaving or was forgotten, so an operator can follow the ring from the
 * logs alone.
 */
import type { Log } from './log.js'
import type { MeshNode } from '../node.js'
import type { Member } from '../membership/view.js'

/** Log every change of a member's state from now on; returns the way to stop. */
export function watchMembers (node: MeshNode, log: Log): () => void {
  const known = new Map<string, string>()
  for (const m of node.members()) known.set(m.id, m.state)
  const onMembers = (evt: Event): void => {
    const members = (evt as CustomEvent<Member[]>).detail ?? node.members()
    const seen = new Set<string>()
    for (const m of members) {
      seen.add(m.id)
      if (known.get(m.id) === m.state) continue
      known.set(m.id, m.state)
      if (m.self) continue
      const fields = { peer: m.id, addrs: m.addrs, capacity: m.capacity, zone: m.zone, up: members.filter(x => x.state === 'up').length }
      if (m.state === 'down') log.warn('member down', fields)
      else log.info(`member ${m.state}`, fields)
    }
    for (const id of [...known.keys()]) {
      if (!seen.has(id)) {
        known.delete(id)
        log.info('member forgotten', { peer: id })
      }
    }
  }
  node.addEventListener('members', onMembers)
  return () => { node.removeEventListener('members', onMembers) }
}
