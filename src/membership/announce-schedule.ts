/**
 * When this peer publishes its full announcement, and why: eagerly for a few
 * probe periods after a start (while the gossipsub mesh forms), once a
 * period while it has heard no member (for a bounded number of periods),
 * at the slow period (`announceMs`, jittered so a cluster does not announce
 * in step), and sooner when something asks for it (a change of its own
 * state, news of a member, a member that has not heard this one, a new
 * subscriber). Counts what was published by reason, which is how the
 * membership benchmark tells steady-state cost from storms. Pure: the
 * time and the randomness are passed in.
 *
 * The slow period grows with the cluster (announcePeriodMs): every peer
 * hears every periodic announcement, so at a fixed period each peer's
 * share of them grows with n; memberlist scales its push-pull period with
 * log n for the same reason.
 */

/** announcements at the probe period after a start, while the gossipsub mesh forms */
const EAGER_ANNOUNCEMENTS = 3
/** after those, still one each probe period while no member has been heard, for at most this many periods */
const LONELY_ANNOUNCEMENTS = 30

/** the cluster size up to which the slow period is the configured one */
const SCALE_FROM_MEMBERS = 8

/**
 * The slow period at `members` members: the configured one up to 8, then
 * times log2(members / 8) (x1.3 at 20, x2.6 at 50, x3.6 at 100, x4.6 at
 * 200). Cluster-wide that is n / log n announcements a period, not n.
 */
export function announcePeriodMs (baseMs: number, members: number): number {
  return baseMs * Math.max(1, Math.log2(Math.max(1, members) / SCALE_FROM_MEMBERS))
}

export class AnnounceSchedule {
  private eager = EAGER_ANNOUNCEMENTS
  private lonely = LONELY_ANNOUNCEMENTS
  private next = 0
  /** why the next announcement was brought forward */
  private soonWhy?: string
  private readonly published: Record<string, number> = {}

  private periodMs: number

  constructor (private readonly baseMs: number, private readonly random: () => number = Math.random) {
    this.periodMs = baseMs
  }

  /** The slow period now, at this cluster size. */
  period (): number {
    return this.periodMs
  }

  /** The cluster has `members` members now: the slow period follows (from the next announcement on). */
  resize (members: number): void {
    this.periodMs = announcePeriodMs(this.baseMs, members)
  }

  /** At a probe tick: the reason to announce now, or undefined. `alone`: this peer has heard no member yet. */
  due (now: number, alone: boolean): string | undefined {
    if (this.eager > 0) {
      this.eager--
      return 'eager'
    }
    if (alone && this.lonely > 0) {
      this.lonely--
      return 'lonely'
    }
    return now >= this.next ? this.soonWhy ?? 'periodic' : undefined
  }

  /** Announce within `withinMs` of `now` (jittered, so peers that heard the same news do not all answer at once). */
  soon (now: number, withinMs: number, why: string): void {
    const at = now + this.random() * withinMs
    if (at < this.next) {
      this.next = at
      this.soonWhy = why
    }
  }

  /** An announcement goes out now: the next one is a period away, unless something asks for it sooner. */
  announced (now: number): void {
    this.soonWhy = undefined
    this.next = now + this.periodMs * (0.9 + this.random() * 0.2)
  }

  /** Count a publish (announcements and reports) by why it was sent. */
  count (why: string): void {
    this.published[why] = (this.published[why] ?? 0) + 1
  }

  byWhy (): Record<string, number> {
    return { ...this.published }
  }
}
