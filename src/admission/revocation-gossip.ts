/**
 * Revocations spread on the cluster's admission topic,
 * `/meshkv/<cluster>/admission/1.0.0`. A new one is published at once; each
 * member also publishes every revocation it holds at a slow period and soon
 * after a peer subscribes (at most once in 10 s), so a member that was down
 * or partitioned when a peer was revoked learns it. Revocations are signed by the cluster key, so
 * who relays them does not matter: the validator checks each one and
 * rejects a message carrying a bad one.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { Signed, RevocationList } from './pb/admission.js'
import type { Admission } from './admission.js'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'

/** revocations in one message (each ~200 bytes) */
const PER_MESSAGE = 128
/** a new subscriber prompts the republish at most this often (ms); the periodic one still runs */
const SOON_MIN_GAP_MS = 10_000

export function admissionTopic (cluster: string): string {
  return `/meshkv/${cluster}/admission/1.0.0`
}

export interface RevocationGossipInit {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  topic: string
  admission: Admission
  /** period of the full republish (ms) */
  periodMs: number
  log: Logger
}

export class RevocationGossip {
  private timer?: ReturnType<typeof setInterval>
  private soon?: ReturnType<typeof setTimeout>
  private lastSoon = -Infinity
  private readonly onSubscription = (evt: CustomEvent<{ subscriptions: Array<{ topic: string, subscribe: boolean }> }>): void => {
    if (evt.detail?.subscriptions?.some(s => s.topic === this.init.topic && s.subscribe) === true) this.publishSoon()
  }

  private readonly onRevoked = (evt: Event): void => {
    const peer = (evt as CustomEvent<string>).detail
    const bytes = this.init.admission.revocationOf(peer)
    if (bytes !== undefined) void this.publish([bytes])
  }

  constructor (private readonly init: RevocationGossipInit) {}

  start (): void {
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.topicValidators.set(this.init.topic, async (_source: PeerId, msg: Message) => this.validate(msg))
    pubsub.subscribe(this.init.topic)
    pubsub.addEventListener('subscription-change', this.onSubscription)
    this.init.admission.addEventListener('revoked', this.onRevoked)
    this.timer = setInterval(() => { void this.publish(this.init.admission.revocations()) }, this.init.periodMs)
  }

  stop (): void {
    clearInterval(this.timer)
    clearTimeout(this.soon)
    const pubsub = this.init.libp2p.services.pubsub
    pubsub.removeEventListener('subscription-change', this.onSubscription)
    this.init.admission.removeEventListener('revoked', this.onRevoked)
    pubsub.topicValidators.delete(this.init.topic)
    pubsub.unsubscribe(this.init.topic)
  }

  private publishSoon (): void {
    if (this.soon !== undefined || this.init.admission.revocations().length === 0) return
    // anyone may subscribe: one toggling its subscription must not make every member republish all it holds each second
    const now = performance.now()
    if (now - this.lastSoon < SOON_MIN_GAP_MS) return
    this.lastSoon = now
    this.soon = setTimeout(() => {
      this.soon = undefined
      void this.publish(this.init.admission.revocations())
    }, 500 + Math.random() * 1000)
  }

  private async publish (all: Uint8Array[]): Promise<void> {
    for (let i = 0; i < all.length; i += PER_MESSAGE) {
      const revocations: Signed[] = all.slice(i, i + PER_MESSAGE).map(b => Signed.decode(b))
      try {
        await this.init.libp2p.services.pubsub.publish(this.init.topic, RevocationList.encode({ revocations }))
      } catch (err) {
        this.init.log('revocations not published: %s', (err as Error).message)
      }
    }
  }

  private async validate (msg: Message): Promise<TopicValidatorResult> {
    let list: RevocationList
    try {
      list = RevocationList.decode(msg.data, { limits: { revocations: PER_MESSAGE } })
    } catch {
      return TopicValidatorResult.Reject
    }
    let added = 0
    for (const r of list.revocations) {
      try {
        if ((await this.init.admission.revoke(Signed.encode(r))).added) added++
      } catch (err) {
        this.init.log('a revocation on the admission topic does not hold: %s', (err as Error).message)
        return TopicValidatorResult.Reject
      }
    }
    // news is passed on; a list this peer already knew is not forwarded again
    return added > 0 ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
  }
}
