/**
 * The kv protocol on a node: the client every request to another peer goes
 * through (with a circuit breaker per peer unless turned off), and this
 * peer's replica served to the others, members only, over relayed
 * connections too.
 */
import * as C from '../constants.js'
import { KvClient } from '../protocol/kv-client.js'
import { Breakers } from '../protocol/circuit-breaker.js'
import { serveStream } from '../protocol/kv-server.js'
import { refuseKv } from '../admission/refusals.js'
import type { Guard } from '../admission/gate.js'
import type { Replica } from '../coordinator/replica.js'
import type { MetricsRegistry } from '../metrics.js'
import type { KvMetrics } from '../protocol/metrics.js'
import type { Tracing } from '../observability/tracing.js'
import type { NodeOptions } from '../node-types.js'
import type { ComponentLogger, Libp2p } from '@libp2p/interface'

export interface KvClientParts {
  libp2p: Libp2p
  protocol: string
  options: NodeOptions
  maxValueBytes: number
  metrics: MetricsRegistry
  kvMetrics: KvMetrics
  logger: ComponentLogger
}

export function nodeKvClient (init: KvClientParts): { client: KvClient, breakers?: Breakers } {
  const { options: o, metrics } = init
  const breakerFailures = o.breakerFailures ?? C.DEFAULT_BREAKER_FAILURES
  const breakers = breakerFailures > 0 ? new Breakers({ failures: breakerFailures, openMs: o.breakerOpenMs ?? C.DEFAULT_BREAKER_OPEN_MS, maxOpenMs: Math.max(C.BREAKER_MAX_OPEN_MS, o.breakerOpenMs ?? 0) }) : undefined
  metrics.describe('meshkv_breaker_transitions_total', 'circuit breakers of peers opened (kept timing out) and closed again (a probe answered)')
  const breakerLog = init.logger.forComponent('meshkv:breaker')
  const client = new KvClient({
    libp2p: init.libp2p,
    protocol: init.protocol,
    log: init.logger.forComponent('meshkv:kv-client'),
    metrics: init.kvMetrics,
    maxValueBytes: init.maxValueBytes,
    breakers,
    onBreaker: (peer, state) => {
      metrics.inc('meshkv_breaker_transitions_total', { to: state })
      breakerLog('circuit to %s %s', peer, state === 'open' ? 'opened: requests to it fail at once until a probe answers' : 'closed: it answered a probe')
    }
  })
  return { client, breakers }
}

export interface KvServerParts {
  libp2p: Libp2p
  protocol: string
  replica: Replica
  guard: Guard
  options: NodeOptions
  kvMetrics: KvMetrics
  tracing: () => Tracing
  logger: ComponentLogger
}

/** Serve the replica; resolves with the count of requests being served (a gauge). */
export async function serveKv (init: KvServerParts): Promise<{ value: number }> {
  const { replica, kvMetrics: metrics, options: o } = init
  const log = init.logger.forComponent('meshkv:kv-server')
  const served = { value: 0 }
  await init.libp2p.handle(init.protocol, init.guard((stream) => { serveStream(stream, { service: replica, log, metrics, requestLog: o.requestLog, tracing: init.tracing(), inflight: served }) }, refuseKv), {
    maxInboundStreams: 64,
    maxOutboundStreams: 64,
    // a peer behind a NAT is reached through a relay until its connection is made direct
    runOnLimitedConnection: true
  })
  return served
}
