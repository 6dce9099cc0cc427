/**
 * Where keys live: the ring built from the live members of the view, rebuilt
 * only when the view's ring-relevant part changes. Every peer with the same
 * view derives the same preference lists.
 */
import { Ring } from '../ring/index.js'
import type { Member } from '../membership/view.js'

export interface Placement {
  readonly selfId: string
  preferenceList: (key: string, n: number) => string[]
}

export class RingPlacement implements Placement {
  private current: Ring

  constructor (readonly selfId: string, members: Member[], private readonly tokensPerUnit: number) {
    this.current = this.build(members)
  }

  get ring (): Ring {
    return this.current
  }

  /** Rebuild from the view's live members; true when the ring changed. */
  update (members: Member[]): boolean {
    const next = this.build(members)
    if (next.equals(this.current)) return false
    this.current = next
    return true
  }

  preferenceList (key: string, n: number): string[] {
    return this.current.preferenceList(key, n)
  }

  private build (members: Member[]): Ring {
    // announced tokens when a member has them (its ring positions), else derived from its id
    return new Ring(members.map(m => ({ id: m.id, capacity: m.capacity, zone: m.zone, tokens: m.tokens })), { tokensPerUnit: this.tokensPerUnit })
  }
}
