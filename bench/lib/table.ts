/** Plain-text and Markdown tables: the same rows print to the terminal and paste into docs. */
export type Cell = string | number | undefined

export interface Table {
  title?: string
  columns: string[]
  rows: Cell[][]
}

export function fmt (v: Cell): string {
  if (v === undefined) return '-'
  if (typeof v === 'string') return v
  if (!Number.isFinite(v)) return String(v)
  const abs = Math.abs(v)
  if (abs !== 0 && abs < 0.01) return v.toPrecision(2)
  if (abs >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US')
  return abs >= 100 ? v.toFixed(1) : v.toFixed(2)
}

const numeric = (v: Cell): boolean => typeof v === 'number' || (typeof v === 'string' && /^[-+]?[\d,.]+[x%]?$/.test(v))

export function renderText (t: Table): string {
  const cells = t.rows.map(r => t.columns.map((_, i) => fmt(r[i])))
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map(r => r[i].length)))
  const line = (r: string[], raw?: Cell[]): string => r.map((c, i) =>
    raw !== undefined && numeric(raw[i]) ? c.padStart(widths[i]) : c.padEnd(widths[i])).join('  ').trimEnd()
  const out = t.title === undefined ? [] : [t.title]
  out.push(line(t.columns), widths.map(w => '-'.repeat(w)).join('  '))
  cells.forEach((r, i) => out.push(line(r, t.rows[i])))
  return out.join('\n')
}

export function renderMarkdown (t: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|')
  const out = t.title === undefined ? [] : [`**${t.title}**`, '']
  out.push(`| ${t.columns.map(esc).join(' | ')} |`)
  out.push(`| ${t.columns.map((_, i) => t.rows.some(r => numeric(r[i])) ? '---:' : '---').join(' | ')} |`)
  for (const r of t.rows) out.push(`| ${t.columns.map((_, i) => esc(fmt(r[i]))).join(' | ')} |`)
  return out.join('\n')
}

export function printTable (t: Table): void {
  process.stdout.write(renderText(t) + '\n\n')
}
