/**
 * A tracer of this node's own (not the process-global one: several nodes may
 * share a process) whose spans are batched and sent to an OTLP/HTTP
 * collector. Loaded only when an endpoint is configured.
 */
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import type { Attributes, Tracer } from '@opentelemetry/api'

/** Spans buffered for export at most; past it, new ones are dropped (the SDK's bound). */
const MAX_QUEUED_SPANS = 4096
/** How long a stopping node waits for its last spans to reach the collector. */
const SHUTDOWN_WAIT_MS = 3_000

/** `endpoint`: the collector's base URL (`http://host:4318`) or its full traces URL (`.../v1/traces`). */
export function otlpTracer (endpoint: string, attributes: Attributes): { tracer: Tracer, shutdown: () => Promise<void> } {
  const url = endpoint.replace(/\/+$/, '').endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 10_000, concurrencyLimit: 4 })
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'meshkv', ...attributes }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: MAX_QUEUED_SPANS, maxExportBatchSize: 512, scheduledDelayMillis: 1000, exportTimeoutMillis: 10_000 })]
  })
  return {
    tracer: provider.getTracer('meshkv'),
    // a collector that is down or slow must not hold up a node's stop
    shutdown: async () => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const waited = new Promise<void>(resolve => { timer = setTimeout(resolve, SHUTDOWN_WAIT_MS) })
      try {
        await Promise.race([provider.shutdown(), waited])
      } finally {
        clearTimeout(timer)
      }
    }
  }
}
