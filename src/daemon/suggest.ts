/**
 * "Did you mean" for unknown config keys and flags: a typo (`datadir`,
 * `heartbeat`) should point at the real name rather than just fail.
 */

/** Edit distance counting a swap of neighbours as one edit (`gte` is one from `get`). */
function distance (a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i === 0 ? j : j === 0 ? i : 0))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The closest candidate, if any is close enough to be a plausible typo. */
export function didYouMean (word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase()
  let best: string | undefined
  let bestScore = Infinity
  for (const c of candidates) {
    const l = c.toLowerCase()
    // a prefix (`heartbeat` for `heartbeatMs`) is as good as a near-miss
    const score = l === w ? 0 : (w.length >= 3 && (l.startsWith(w) || w.startsWith(l))) ? 1 : distance(w, l)
    if (score < bestScore) { best = c; bestScore = score }
  }
  return bestScore <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined
}

/** ` (did you mean "x"?)`, or nothing. */
export function suggestion (word: string, candidates: readonly string[]): string {
  const s = didYouMean(word, candidates)
  return s === undefined ? '' : ` (did you mean "${s}"?)`
}
