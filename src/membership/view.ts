/**
 * Who this peer believes is in the cluster. Members enter through their own
 * announcements; their state then moves by announcements (joining, up,
 * leaving), by reports of other peers' failure detectors (suspect, down),
 * and by this peer's own timers: a suspect that does not refute within
 * `suspectTimeoutMs` is down, a member not heard from at all for
 * `staleAfterMs` is down, and a down member is forgotten after
 * `forgetAfterMs`. Pure state: the time is passed in, from a monotonic
 * clock.
 *
 * Every statement about a member is stamped with the member's own
 * (incarnation, seq): the incarnation is persisted by the member, so it only
 * grows, and seq grows with each of its announcements. An announcement
 * counts only when it is newer than what is known: replays and late
 * deliveries are ignored, and a member that announced leaving stays leaving
 * until it restarts. A report counts when it is about the stamp known (or a
 * newer one) and is graver (up < suspect < down): the member refutes it
 * with a newer announcement (SWIM).
 */
export type MemberState = 'joining' | 'up' | 'suspect' | 'down' | 'leaving'

export interface Member {
  id: string
  addrs: string[]
  capacity: number
  zone?: string
  incarnation: number
  /** sequence number of the last announcement applied, within `incarnation` */
  seq: number
  /** tokens the member announced (absent: derived from its id) */
  tokens?: readonly bigint[]
  state: MemberState
  /** when the state last changed (monotonic ms) */
  since: number
  /** when the member last showed life: its announcement, or an answer to this peer's probe (monotonic ms) */
  lastSeen: number
  self: boolean
  /** down after it announced leaving: it left, so it holds no ring positions while it is remembered */
  left?: boolean
  /** keys in its store as of its last announcement (its own count; absent when it did not say) */
  keys?: number
}

export interface HeartbeatInfo {
  id: string
  addrs: string[]
  capacity: number
  zone?: string
  incarnation: number
  seq: number
  tokens?: readonly bigint[]
  leaving: boolean
  joining?: boolean
  /** keys in the member's store as it announced (for operators' views only) */
  keys?: number
}

export interface Report {
  subject: string
  incarnation: number
  seq: number
  state: 'suspect' | 'down'
}

export interface ViewOptions {
  /** how long a suspect member has to refute before it is down */
  suspectTimeoutMs: number
  /** silence (no announcement, no probe answer) after which a member is down whatever the reports */
  staleAfterMs: number
  forgetAfterMs: number
  /** the most members remembered; announcements from more are ignored */
  maxMembers: number
}

/**
 * Members that hold ring positions: up, suspect and down. A suspect may be
 * alive; a down member is usually only restarting. Moving its keys on every
 * failure would cost more than the failure (and would move them back when it
 * returns), so a down member keeps its positions until it is forgotten after
 * `forgetAfterMs`, as Dynamo and Riak keep a failed node in the ring: while
 * it is down its writes go to the next healthy peer with a hint (sloppy
 * quorum, src/coordinator/placement.ts and src/handoff/). Joining and leaving
 * members hold none.
 */
export function inRing (state: MemberState): boolean {
  return state === 'up' || state === 'suspect' || state === 'down'
}

/** Whether a member holds ring positions: in a ring state, and not a down member that had left. */
export function holdsPositions (m: Pick<Member, 'state' | 'left'>): boolean {
  return inRing(m.state) && m.left !== true
}

/** Whether a change of state changes what the ring or the placement's health sees (in the ring, or down). */
function placementChanged (before: MemberState, after: MemberState): boolean {
  return inRing(before) !== inRing(after) || (before === 'down') !== (after === 'down')
}

const GRAVITY: Record<MemberState, number> = { joining: 0, up: 0, leaving: 1, suspect: 1, down: 2 }

export class MembershipView {
  private readonly members = new Map<string, Member>()

  constructor (self: HeartbeatInfo, now: number, private readonly options: ViewOptions) {
    const { leaving, joining: _, ...info } = self
    this.members.set(self.id, { ...info, state: leaving ? 'leaving' : 'up', since: now, lastSeen: now, self: true })
  }

  /** The silence after which a member is down whatever the reports: it follows the announcement period, which grows with the cluster. */
  setStaleAfter (ms: number): void {
    this.options.staleAfterMs = ms
  }

  /** Apply an announcement; true when the ring-relevant part of the view changed. */
  heard (hb: HeartbeatInfo, now: number): boolean {
    const prev = this.members.get(hb.id)
    if (prev?.self === true) return false
    if (prev === undefined && this.members.size >= this.options.maxMembers) return false
    if (prev !== undefined && !newer(hb, prev)) return false
    // leaving is final for an incarnation: a late 'up' of it must not revive the member
    if (prev !== undefined && (prev.state === 'leaving' || prev.left === true) && hb.incarnation === prev.incarnation && !hb.leaving) return false
    const state: MemberState = hb.leaving ? 'leaving' : hb.joining === true ? 'joining' : 'up'
    const { joining: _, leaving: __, ...info } = hb
    this.members.set(hb.id, { ...info, state, since: prev?.state === state ? prev.since : now, lastSeen: now, self: false })
    return prev === undefined || ringChanged(prev, state, hb)
  }

  /** Apply a failure report (another peer's, or this peer's own); true when the ring-relevant part changed. */
  report (r: Report, now: number): boolean {
    const m = this.members.get(r.subject)
    if (m === undefined || m.self) return false
    const stamp = compare(r, m)
    if (stamp < 0) return false
    if (stamp === 0 && GRAVITY[r.state] <= GRAVITY[m.state]) return false
    m.incarnation = r.incarnation
    m.seq = r.seq
    const was = m.state
    if (was === 'leaving' && r.state === 'down') {
      m.left = true
      m.state = 'down'
      m.since = now
      return false
    }
    m.state = r.state
    m.since = now
    return placementChanged(was, m.state)
  }

  /** A probe of this member was answered: a sign of life (not a state change: only the member's own announcement refutes). */
  touch (id: string, now: number): void {
    const m = this.members.get(id)
    if (m !== undefined && !m.self) m.lastSeen = now
  }

  /** Suspects that did not refute, and members silent too long, are down; long-down ones are forgotten. True when the ring or a member's health changed. */
  expire (now: number): boolean {
    let changed = false
    for (const m of this.members.values()) {
      if (m.self) { m.lastSeen = now; continue }
      if (m.state === 'down') {
        if (now - m.since > this.options.forgetAfterMs) {
          this.members.delete(m.id)
          changed ||= m.left !== true
        }
        continue
      }
      const refuteExpired = m.state === 'suspect' && now - m.since > this.options.suspectTimeoutMs
      if (refuteExpired || now - m.lastSeen > this.options.staleAfterMs) {
        if (m.state === 'leaving') m.left = true
        else changed ||= placementChanged(m.state, 'down')
        m.state = 'down'
        m.since = now
      }
    }
    return changed
  }

  updateSelf (patch: Partial<HeartbeatInfo>): boolean {
    for (const m of this.members.values()) {
      if (!m.self) continue
      const before = `${m.capacity}|${m.zone}|${m.state}`
      const tokensBefore = m.tokens
      const { leaving, joining, ...info } = patch
      Object.assign(m, info)
      if (leaving !== undefined || joining !== undefined) m.state = leaving === true ? 'leaving' : joining === true ? 'joining' : 'up'
      // new tokens of the same count move the ring as much as a new count does
      return before !== `${m.capacity}|${m.zone}|${m.state}` || m.tokens !== tokensBefore
    }
    return false
  }

  /** Take a member out (refused by this peer); true when it held ring positions. */
  remove (id: string): boolean {
    const m = this.members.get(id)
    if (m === undefined || m.self) return false
    this.members.delete(id)
    return holdsPositions(m)
  }

  get (id: string): Member | undefined {
    return this.members.get(id)
  }

  get size (): number {
    return this.members.size
  }

  all (): Member[] {
    return [...this.members.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  }

  /** Members that are not down (they may still answer): whom to keep connected to and watch. */
  live (): Member[] {
    return this.all().filter(m => m.state !== 'down')
  }
}

function compare (a: { incarnation: number, seq: number }, b: { incarnation: number, seq: number }): number {
  return a.incarnation !== b.incarnation ? Math.sign(a.incarnation - b.incarnation) : Math.sign(a.seq - b.seq)
}

function newer (hb: HeartbeatInfo, prev: Member): boolean {
  return compare(hb, prev) > 0
}

function ringChanged (prev: Member, state: MemberState, hb: HeartbeatInfo): boolean {
  if (prev.left === true) return holdsPositions({ state })
  if (placementChanged(prev.state, state)) return true
  if (prev.capacity !== hb.capacity || prev.zone !== hb.zone) return true
  const a = prev.tokens
  const b = hb.tokens
  if (a === b) return false
  if (a === undefined || b === undefined || a.length !== b.length) return true
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true
  return false
}
