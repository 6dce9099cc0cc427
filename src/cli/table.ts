/**
 * Aligned plain-text tables for people: a header row, columns padded to
 * their widest cell, numbers right-aligned. No colours, so a table pipes
 * into a file or `less` as it looks.
 */
export interface Column {
  title: string
  /** right-align (numbers) */
  right?: boolean
}

/** Strip control characters: a peer's announced zone or address is not allowed to move the terminal's cursor. */
function printable (s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

export function table (columns: Column[], rows: string[][]): string {
  const cells = rows.map(r => r.map(printable))
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map(r => (r[i] ?? '').length)))
  const line = (r: string[]): string => columns.map((c, i) => {
    const v = r[i] ?? ''
    // the last column is not padded: no trailing spaces
    if (i === columns.length - 1 && c.right !== true) return v
    return c.right === true ? v.padStart(widths[i]) : v.padEnd(widths[i])
  }).join('  ').trimEnd()
  return [line(columns.map(c => c.title)), ...cells.map(line)].join('\n') + '\n'
}

export const percent = (x: number | null | undefined): string => x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`

export function ago (ms: number): string {
  if (ms < 1_500) return 'now'
  if (ms < 90_000) return `${Math.round(ms / 1000)}s ago`
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)}m ago`
  return `${Math.round(ms / 3_600_000)}h ago`
}
