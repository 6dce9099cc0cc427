/**
 * Who this peer believes is in the cluster, from heartbeats alone. A member
 * not heard from for `memberTimeoutMs` is down (out of the ring) and is
 * forgotten after `forgetAfterMs`. Pure state: the clock is passed in.
 *
 * An announcement counts only when it is newer than the last one heard from
 * its member: a higher incarnation (persisted by the member, so it only
 * grows), or the same incarnation with a higher sequence number. Replays
 * and late deliveries are ignored, and a member that announced leaving
 * stays leaving until it restarts.
 */
export type MemberState = 'up' | 'down' | 'leaving'

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
  lastSeen: number
  self: boolean
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
}

export interface ViewOptions {
  memberTimeoutMs: number
  forgetAfterMs: number
  /** the most members remembered; heartbeats from more are ignored */
  maxMembers: number
}

export class MembershipView {
  private readonly members = new Map<string, Member>()

  constructor (self: HeartbeatInfo, now: number, private readonly options: ViewOptions) {
    this.members.set(self.id, { ...self, state: 'up', lastSeen: now, self: true })
  }

  /** Apply a heartbeat; true when the ring-relevant part of the view changed. */
  heard (hb: HeartbeatInfo, now: number): boolean {
    const prev = this.members.get(hb.id)
    if (prev?.self === true) return false
    if (prev === undefined && this.members.size >= this.options.maxMembers) return false
    if (prev !== undefined && !newer(hb, prev)) return false
    // leaving is final for an incarnation: a late 'up' of it must not revive the member
    if (prev !== undefined && prev.state === 'leaving' && hb.incarnation === prev.incarnation && !hb.leaving) return false
    const state: MemberState = hb.leaving ? 'leaving' : 'up'
    this.members.set(hb.id, { ...hb, state, lastSeen: now, self: false })
    return prev === undefined || prev.state !== state || prev.capacity !== hb.capacity || prev.zone !== hb.zone
  }

  /** Mark silent members down and forget long-gone ones; true when the ring-relevant part changed. */
  expire (now: number): boolean {
    let changed = false
    for (const m of this.members.values()) {
      if (m.self) { m.lastSeen = now; continue }
      const silent = now - m.lastSeen
      if (silent > this.options.forgetAfterMs) {
        this.members.delete(m.id)
      } else if (silent > this.options.memberTimeoutMs && m.state !== 'down') {
        m.state = 'down'
        changed = true
      }
    }
    return changed
  }

  updateSelf (patch: Partial<HeartbeatInfo>): boolean {
    for (const m of this.members.values()) {
      if (!m.self) continue
      const before = `${m.capacity}|${m.zone}|${m.state}`
      Object.assign(m, patch)
      if (patch.leaving !== undefined) m.state = patch.leaving ? 'leaving' : 'up'
      return before !== `${m.capacity}|${m.zone}|${m.state}`
    }
    return false
  }

  /** Take a member out (refused by this peer); true when it was there. */
  remove (id: string): boolean {
    const m = this.members.get(id)
    if (m === undefined || m.self) return false
    this.members.delete(id)
    return m.state !== 'down'
  }

  get (id: string): Member | undefined {
    return this.members.get(id)
  }

  all (): Member[] {
    return [...this.members.values()].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  }

  /** Members that hold ring positions: up, or leaving but still serving. */
  live (): Member[] {
    return this.all().filter(m => m.state !== 'down')
  }
}

function newer (hb: HeartbeatInfo, prev: Member): boolean {
  return hb.incarnation > prev.incarnation || (hb.incarnation === prev.incarnation && hb.seq > prev.seq)
}
