/**
 * When a starting tab has heard enough of the cluster to send its first
 * request: it hears of a member it is not connected to (another tab) only
 * from that member's next announcement, and a request made before would go
 * by a ring without it. The page names the members that were up when it
 * was served; the tab waits to hear each of them, itself aside (a reloaded
 * member tab is one of them, under its old incarnation, and would wait for
 * itself in vain).
 */

/** the most member ids a page names (a tab waits at most DEFAULT_JOIN_WAIT_MS for them all the same) */
export const MAX_PAGE_MEMBERS = 64

export function heardAll (view: ReadonlyArray<{ id: string, state: string }>, self: string, named: readonly string[]): boolean {
  const up = new Set(view.filter(m => m.state === 'up').map(m => m.id))
  return named.every(id => id === self || up.has(id))
}
