import { requestTypeName } from './request-type.js'
import type { MetricsRegistry } from '../metrics.js'

/** The kv protocol's hot-path metrics, both directions. */
export class KvMetrics {
  constructor (private readonly registry: MetricsRegistry) {
    registry.describe('meshkv_rpc_handled_ms', 'kv requests served, by type and outcome (ms)')
    registry.describe('meshkv_rpc_sent_ms', 'kv requests sent to peers, by type and outcome (ms)')
    registry.describe('meshkv_rpc_bad_frames_total', 'inbound streams aborted for a malformed or oversized frame')
    registry.describe('meshkv_rpc_streams_opened_total', 'outbound kv streams opened')
    registry.describe('meshkv_rpc_same_replies_total', 'GETs a peer answered "same" to: it holds the record this peer sent the digest of, and did not send it back')
  }

  handled (type: number, outcome: 'ok' | 'error', ms: number): void {
    this.registry.observe('meshkv_rpc_handled_ms', { type: requestTypeName(type), outcome }, ms)
  }

  sent (type: number, outcome: string, ms: number): void {
    this.registry.observe('meshkv_rpc_sent_ms', { type: requestTypeName(type), outcome }, ms)
  }

  sameReply (): void {
    this.registry.inc('meshkv_rpc_same_replies_total')
  }

  badFrame (): void {
    this.registry.inc('meshkv_rpc_bad_frames_total')
  }

  streamOpened (): void {
    this.registry.inc('meshkv_rpc_streams_opened_total')
  }
}
