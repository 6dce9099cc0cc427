/**
 * What a node does when its membership view changes, and what it tells its
 * own listeners: a change drops streams to members gone down, rebuilds the
 * ring, is announced as 'members' and handed to healing; adopted cluster
 * settings change the quorums and the ring and are announced as 'params';
 * a refused peer is announced as 'refused'. An error in a listener would
 * take the process down: a view change never may, so each is logged.
 */
import { adoptN } from './options.js'
import type { Healing } from '../healing/healing.js'
import type { Quorums } from '../coordinator/coordinator.js'
import type { Membership } from '../membership/membership.js'
import type { AdoptableSetting } from '../membership/params.js'
import type { KvClient } from '../protocol/kv-client.js'
import type { NodeOptions } from '../node-types.js'
import type { RingView } from './ring-view.js'
import type { Logger } from '@libp2p/interface'

export interface ViewEventParts {
  membership: Membership
  client: KvClient
  view: RingView
  healing: Healing
  /** the node's quorums, changed in place when n is adopted */
  quorums: Quorums
  options: NodeOptions
  /** the node, whose listeners hear 'members', 'params' and 'refused' */
  node: EventTarget
  log: Logger
}

export function wireViewEvents (p: ViewEventParts): void {
  const { membership, view, node } = p
  const guarded = (what: string, fn: (evt: Event) => void) => (evt: Event): void => {
    try { fn(evt) } catch (err) { p.log.error('%s failed: %s', what, (err as Error).message) }
  }
  membership.addEventListener('change', guarded('ring rebuild', () => {
    // streams to peers that went down are dropped; a returning peer gets a fresh one
    for (const m of membership.members()) if (m.state === 'down') void p.client.forget(m.id)
    // a change is one of the ring or of a member's health (down, or back): both are news
    view.update()
    node.dispatchEvent(new CustomEvent('members', { detail: membership.members() }))
    p.healing.membershipChanged()
  }))
  membership.addEventListener('params', guarded('adopting cluster settings', (evt) => {
    const adopted = (evt as CustomEvent<Partial<Record<AdoptableSetting, number>>>).detail
    if (adopted.n !== undefined) adoptN(p.quorums, p.options, adopted.n)
    if (adopted.tokensPerUnit !== undefined) view.adoptTokensPerUnit(adopted.tokensPerUnit)
    node.dispatchEvent(new CustomEvent('params', { detail: evt instanceof CustomEvent ? evt.detail : adopted }))
  }))
  membership.addEventListener('refused', guarded('reporting a refused peer', (evt) => {
    node.dispatchEvent(new CustomEvent('refused', { detail: (evt as CustomEvent).detail }))
  }))
}
