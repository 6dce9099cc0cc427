/**
 * Hand-written SVG charts (no dependencies): grouped bars and lines, with
 * an optional log scale, which latency and scale numbers need.
 */
const W = 760
const H = 400
const M = { top: 40, right: 160, bottom: 60, left: 70 }
const COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d']

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const num = (v: number): string => Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString()

interface Axis { scale: (v: number) => number, ticks: number[] }

function axis (lo: number, hi: number, pixels: number, log: boolean): Axis {
  if (log) {
    const a = Math.floor(Math.log10(Math.max(lo, 1e-9)))
    const b = Math.ceil(Math.log10(Math.max(hi, lo * 10, 1e-9)))
    const ticks: number[] = []
    for (let e = a; e <= b; e++) ticks.push(10 ** e)
    return { scale: v => pixels * (Math.log10(Math.max(v, 10 ** a)) - a) / Math.max(b - a, 1), ticks }
  }
  const span = hi - lo || 1
  const step = 10 ** Math.floor(Math.log10(span / 5))
  const nice = [1, 2, 5, 10].map(m => m * step).find(s => span / s <= 6) ?? step * 10
  const start = Math.floor(lo / nice) * nice
  const end = Math.ceil(hi / nice) * nice
  const ticks: number[] = []
  for (let v = start; v <= end + nice / 2; v += nice) ticks.push(Number(v.toPrecision(12)))
  return { scale: v => pixels * (v - start) / (end - start || 1), ticks }
}

function frame (title: string, yLabel: string, xLabel: string, y: Axis, body: string[], legend: string[]): string {
  const ih = H - M.top - M.bottom
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<g transform="translate(${M.left},${M.top})">`
  ]
  for (const t of y.ticks) {
    const py = ih - y.scale(t)
    if (py < -1 || py > ih + 1) continue
    out.push(`<line x1="0" x2="${W - M.left - M.right}" y1="${py}" y2="${py}" stroke="#ddd"/>`,
      `<text x="-6" y="${py + 4}" text-anchor="end">${num(t)}</text>`)
  }
  out.push(...body, `<line x1="0" x2="0" y1="0" y2="${ih}" stroke="#333"/>`,
    `<line x1="0" x2="${W - M.left - M.right}" y1="${ih}" y2="${ih}" stroke="#333"/>`,
    `<text transform="translate(-52,${ih / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    `<text x="${(W - M.left - M.right) / 2}" y="${ih + 44}" text-anchor="middle">${esc(xLabel)}</text>`)
  legend.forEach((name, i) => {
    const lx = W - M.left - M.right + 16
    out.push(`<rect x="${lx}" y="${i * 18}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>`,
      `<text x="${lx + 18}" y="${i * 18 + 10}">${esc(name)}</text>`)
  })
  out.push('</g>', '</svg>')
  return out.join('\n') + '\n'
}

/** A group label, wrapped onto lines at spaces when it is wider than its group (about 7.5 px a character). */
function label (text: string, x: number, y: number, width: number): string {
  const lines: string[] = []
  for (const word of text.split(' ')) {
    const last = lines.length - 1
    if (last >= 0 && (lines[last].length + 1 + word.length) * 7.5 <= width) lines[last] += ` ${word}`
    else lines.push(word)
  }
  const spans = lines.slice(0, 3).map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 14}">${esc(l)}</tspan>`).join('')
  return `<text x="${x}" y="${y}" text-anchor="middle">${spans}</text>`
}

export interface BarChart {
  title: string
  yLabel: string
  xLabel?: string
  groups: string[]
  /** one series per colour; values[i] belongs to groups[i] (undefined: no bar) */
  series: Array<{ name: string, values: Array<number | undefined> }>
  log?: boolean
}

export function barChart (c: BarChart): string {
  const iw = W - M.left - M.right
  const ih = H - M.top - M.bottom
  const all = c.series.flatMap(s => s.values).filter((v): v is number => v !== undefined && Number.isFinite(v))
  const y = axis(c.log === true ? Math.min(...all, 1) : 0, Math.max(...all, 1), ih, c.log === true)
  const gw = iw / Math.max(c.groups.length, 1)
  const bw = (gw * 0.8) / Math.max(c.series.length, 1)
  const body: string[] = []
  c.groups.forEach((g, gi) => {
    body.push(label(g, gi * gw + gw / 2, ih + 18, gw))
    c.series.forEach((s, si) => {
      const v = s.values[gi]
      if (v === undefined || !Number.isFinite(v)) return
      const h = Math.max(y.scale(v), 1)
      const x = gi * gw + gw * 0.1 + si * bw
      body.push(`<rect x="${x}" y="${ih - h}" width="${bw - 2}" height="${h}" fill="${COLOURS[si % COLOURS.length]}"><title>${esc(`${s.name} ${g}: ${num(v)}`)}</title></rect>`)
    })
  })
  return frame(c.title, c.yLabel, c.xLabel ?? '', y, body, c.series.map(s => s.name))
}

export interface LineChart {
  title: string
  xLabel: string
  yLabel: string
  series: Array<{ name: string, points: Array<[number, number]> }>
  logX?: boolean
  logY?: boolean
  /** x tick values (default: round numbers) */
  xTicks?: number[]
}

export function lineChart (c: LineChart): string {
  const iw = W - M.left - M.right
  const ih = H - M.top - M.bottom
  const xs = c.series.flatMap(s => s.points.map(p => p[0]))
  const ys = c.series.flatMap(s => s.points.map(p => p[1])).filter(Number.isFinite)
  const x = c.logX === true && c.xTicks !== undefined
    ? { ticks: c.xTicks, scale: (v: number) => iw * Math.log(v / Math.min(...xs)) / Math.log(Math.max(...xs) / Math.min(...xs) || 2) }
    : axis(Math.min(...xs), Math.max(...xs), iw, c.logX === true)
  const y = axis(c.logY === true ? Math.min(...ys) : Math.min(0, ...ys), Math.max(...ys), ih, c.logY === true)
  const body = (c.xTicks ?? x.ticks).map(t => `<text x="${x.scale(t)}" y="${ih + 18}" text-anchor="middle">${num(t)}</text>`)
  c.series.forEach((s, si) => {
    const colour = COLOURS[si % COLOURS.length]
    const pts = s.points.filter(p => Number.isFinite(p[1])).map(p => `${x.scale(p[0]).toFixed(1)},${(ih - y.scale(p[1])).toFixed(1)}`)
    body.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`)
    for (const p of pts) body.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`)
  })
  return frame(c.title, c.yLabel, c.xLabel, y, body, c.series.map(s => s.name))
}
