/**
 * The "now" a tombstone's age is measured against. A delete's age is the
 * local wall clock minus the delete's timestamp (the coordinator's wall
 * clock, carried by the tombstone to every replica and every copy of it), so
 * every replica agrees on when a grace period ends and a copy brought back by
 * read repair or anti-entropy keeps its age instead of starting over.
 *
 * The local wall clock can be stepped (NTP, an operator). A step forward
 * would make every tombstone look old at once; so this clock never runs
 * ahead of the wall time at its start plus the monotonic time elapsed since.
 * A step back only makes tombstones look younger (collected later). What it
 * cannot see is a clock already wrong when the node started, or a
 * coordinator whose clock was behind when it wrote the delete: those shift
 * the end of the grace period by the skew (see docs/architecture.md).
 */
export class GraceClock {
  private readonly wallAtStart: number
  private readonly monoAtStart: number

  constructor (private readonly wall: () => number = Date.now, private readonly mono: () => number = () => performance.now()) {
    this.wallAtStart = wall()
    this.monoAtStart = mono()
  }

  /** wall-clock ms, never ahead of the start's wall time plus elapsed monotonic time */
  now (): number {
    return Math.min(this.wall(), this.wallAtStart + (this.mono() - this.monoAtStart))
  }
}
