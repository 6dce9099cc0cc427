/**
 * GET /metrics: meshkv's metrics (src/metrics.ts, gauges read now) and
 * libp2p's (src/daemon/prometheus.ts) in one Prometheus text exposition.
 * A family already written by meshkv is not written again from libp2p's
 * registry, so every family has one HELP and TYPE.
 */
import type { ServerResponse } from 'node:http'
import type { MeshNode } from '../node.js'
import type { Libp2pPrometheus } from './prometheus.js'

/** Families of a text exposition, by name, in order; lines before the first HELP/TYPE are dropped. */
function families (text: string): Array<{ name: string, lines: string[] }> {
  const out: Array<{ name: string, lines: string[] }> = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    const m = /^# (?:HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)
    if (m !== null && out.at(-1)?.name !== m[1]) out.push({ name: m[1], lines: [] })
    out.at(-1)?.lines.push(line)
  }
  return out
}

export async function metricsText (node: MeshNode, libp2p?: Libp2pPrometheus): Promise<string> {
  const own = await node.metrics.scrape()
  if (libp2p === undefined) return own
  const theirs = await libp2p.render().catch(() => '')
  const taken = new Set(families(own).map(f => f.name))
  const extra = families(theirs).filter(f => !taken.has(f.name)).flatMap(f => f.lines)
  return extra.length === 0 ? own : own + extra.join('\n') + '\n'
}

export async function getMetrics (node: MeshNode, libp2p: Libp2pPrometheus | undefined, res: ServerResponse): Promise<void> {
  const text = await metricsText(node, libp2p)
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
