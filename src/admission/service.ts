/**
 * Admission as a node runs it, in a closed cluster: the membership topic
 * validator, the certificate exchange, the stream gate, revocations on the
 * admission topic, and a sweep that takes out of the view members whose
 * certificates expired. A revoked peer is dropped at once: out of the view,
 * its connections closed. In an open cluster all of it is off and `guard`
 * passes handlers through unchanged.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { certProtocol, serveCertificate } from './cert-exchange.js'
import { StreamGate } from './gate.js'
import { membershipValidator } from './membership-validator.js'
import { admissionTopic, RevocationGossip } from './revocation-gossip.js'
import type { Admission } from './admission.js'
import type { Guard } from './gate.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { ComponentLogger, Libp2p } from '@libp2p/interface'

export interface AdmissionServiceInit {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  admission: Admission
  cluster: string
  membershipTopic: string
  /** ids of the members in this peer's view */
  members: () => string[]
  /** take a peer out of the view (and drop what is kept for it) */
  drop: (peer: string) => void
  /** period of the revocation republish and of the expiry sweep (ms) */
  periodMs: number
  logger: ComponentLogger
}

export class AdmissionService {
  readonly guard: Guard
  private readonly gate: StreamGate
  private gossip?: RevocationGossip
  private sweep?: ReturnType<typeof setInterval>
  private readonly log
  private readonly onRevoked = (evt: Event): void => {
    const peer = (evt as CustomEvent<string>).detail
    if (peer === this.init.libp2p.peerId.toString()) {
      this.log.error('this peer was revoked from the cluster: the others refuse it now')
      return
    }
    this.expel(peer)
  }

  constructor (private readonly init: AdmissionServiceInit) {
    this.log = init.logger.forComponent('meshkv:admission')
    this.gate = new StreamGate({ admission: init.admission, cluster: init.cluster, certProtocol: certProtocol(init.cluster), log: this.log })
    this.guard = this.gate.guard
  }

  /** Before membership starts: validators first, so no announcement is heard unchecked. */
  async start (): Promise<void> {
    const { libp2p, admission } = this.init
    if (!admission.closed) return
    await admission.start()
    libp2p.services.pubsub.topicValidators.set(this.init.membershipTopic, membershipValidator(admission, this.log))
    await serveCertificate(libp2p, certProtocol(this.init.cluster), () => admission.certificate)
    admission.addEventListener('revoked', this.onRevoked)
    this.gossip = new RevocationGossip({ libp2p, topic: admissionTopic(this.init.cluster), admission, periodMs: this.init.periodMs, log: this.log })
    this.gossip.start()
    this.sweep = setInterval(() => {
      for (const id of this.init.members()) if (id !== libp2p.peerId.toString() && !admission.isMember(id)) this.expel(id)
    }, Math.min(this.init.periodMs, 5_000))
  }

  async stop (): Promise<void> {
    clearInterval(this.sweep)
    this.gossip?.stop()
    this.init.admission.removeEventListener('revoked', this.onRevoked)
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.topicValidators.delete(this.init.membershipTopic)
    await this.init.libp2p.unhandle(certProtocol(this.init.cluster)).catch(() => {})
  }

  private expel (peer: string): void {
    this.log('dropping %s: no longer a member', peer)
    this.init.drop(peer)
    let id
    try { id = peerIdFromString(peer) } catch { return }
    this.init.libp2p.hangUp(id).catch(() => {})
  }
}
