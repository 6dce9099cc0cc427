/**
 * The gossipsub topic validator of the membership topic in a closed
 * cluster. An announcement passes only with a valid certificate for its
 * publisher (the message's signed `from`): else Reject, so gossipsub drops
 * it, does not forward it, and scores the peer that sent it down. A report
 * passes only from a member whose certificate this peer holds (Ignore
 * otherwise: a member heard before its announcement is not punished).
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
import { MAX_ADDRS } from '../membership/announcement.js'
import { MembershipMessage } from '../membership/pb/heartbeat.js'
import { RateLimitedLog } from '../membership/rate-limited-log.js'
import type { Admission } from './admission.js'
import type { Message, TopicValidatorFn } from '@libp2p/gossipsub'
import type { Logger, PeerId } from '@libp2p/interface'

/** above any announcement membership accepts (its own bound is tighter) */
const MAX_MESSAGE_BYTES = 256 * 1024
const LOG_PERIOD_MS = 60_000

export function membershipValidator (admission: Admission, log: Logger): TopicValidatorFn {
  const logged = new RateLimitedLog(LOG_PERIOD_MS, 1024)
  const reject = (from: string, reason: string): TopicValidatorResult => {
    admission.refused('announcement_rejected')
    if (logged.due(`${from} ${reason}`, performance.now())) log.error('rejected the membership announcement of %s: %s', from, reason)
    return TopicValidatorResult.Reject
  }
  return async (_source: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    if (msg.type !== 'signed') return reject('unsigned', 'unsigned message')
    const from = msg.from.toString()
    if (msg.data.byteLength > MAX_MESSAGE_BYTES) return reject(from, 'oversized message')
    let decoded: MembershipMessage
    try {
      decoded = MembershipMessage.decode(msg.data, { limits: { announce$: { addrs: MAX_ADDRS, tokens: MAX_TOKENS_PER_MEMBER } } })
    } catch {
      return reject(from, 'undecodable message')
    }
    if (decoded.announce !== undefined) {
      const verdict = await admission.admit(from, decoded.announce.cert)
      return verdict.ok ? TopicValidatorResult.Accept : reject(from, verdict.reason)
    }
    if (decoded.report !== undefined) {
      if (admission.isRevoked(from)) return reject(from, 'peer was revoked')
      return admission.isMember(from) ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
    }
    return reject(from, 'empty message')
  }
}
