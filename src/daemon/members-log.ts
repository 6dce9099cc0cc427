/**
 * Membership changes in the log: one line per peer that came up, went down,
 * is leaving or was forgotten, so an operator can follow the ring from the
 * logs alone; and a line for each peer refused and each cluster setting
 * adopted.
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
  // a refused peer (cluster settings that differ, a claim over the token budget) is said on both sides
  const onRefused = (evt: Event): void => {
    const { peer, reason } = (evt as CustomEvent<{ peer: string, reason: string }>).detail
    log.error('peer refused', { peer, reason })
  }
  const onParams = (evt: Event): void => {
    const { from, ...adopted } = (evt as CustomEvent<{ from: string, n?: number, tokensPerUnit?: number }>).detail
    log.info('adopted the cluster\'s settings', { ...adopted, from, quorums: { ...node.quorums } })
  }
  node.addEventListener('members', onMembers)
  node.addEventListener('refused', onRefused)
  node.addEventListener('params', onParams)
  return () => {
    node.removeEventListener('members', onMembers)
    node.removeEventListener('refused', onRefused)
    node.removeEventListener('params', onParams)
  }
}
