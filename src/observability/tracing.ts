/**
 * Spans around client requests and the replica work they cause, with the W3C
 * trace context carried in the kv protocol. Off (no tracer) unless an OTLP
 * endpoint is configured: then `start` only passes the caller's trace on,
 * and costs nothing else.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { formatTraceparent, parseTraceparent } from './request-trace.js'
import type { RequestTrace } from './request-trace.js'
import type { Attributes, Tracer } from '@opentelemetry/api'

export interface TraceSpan {
  /** what messages sent on behalf of this span carry: the same request id, this span as parent */
  readonly trace: RequestTrace | undefined
  end: (err?: unknown) => void
}

export type SpanRole = 'internal' | 'server' | 'client'
const KIND: Record<SpanRole, SpanKind> = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, client: SpanKind.CLIENT }

function noop (): void {}

export class Tracing {
  /** `tracer` absent: spans are off */
  constructor (private readonly tracer?: Tracer, private readonly onShutdown?: () => Promise<void>) {}

  get enabled (): boolean {
    return this.tracer !== undefined
  }

  start (name: string, parent: RequestTrace | undefined, role: SpanRole = 'internal', attributes?: Attributes): TraceSpan {
    const tracer = this.tracer
    if (tracer === undefined) return { trace: parent, end: noop }
    const p = parseTraceparent(parent?.traceparent)
    const ctx = p === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: p.traceId, spanId: p.spanId, traceFlags: p.flags, isRemote: true })
    const span = tracer.startSpan(name, { kind: KIND[role], attributes }, ctx)
    if (parent?.requestId !== undefined) span.setAttribute('meshkv.request_id', parent.requestId)
    const sc = span.spanContext()
    return {
      trace: { requestId: parent?.requestId, traceparent: formatTraceparent(sc.traceId, sc.spanId, sc.traceFlags) },
      end: (err?: unknown) => {
        if (err !== undefined) {
          const code = (err as { code?: unknown }).code
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message })
          if (typeof code === 'string') span.setAttribute('meshkv.error_code', code)
        }
        span.end()
      }
    }
  }

  /** Export what is buffered and stop. */
  async shutdown (): Promise<void> {
    await this.onShutdown?.()
  }
}

export const NO_TRACING = new Tracing()

/**
 * Spans exported to `otlpEndpoint` (OTLP over HTTP, JSON), or off when it is
 * undefined. The exporter is loaded only when used.
 */
export async function createTracing (otlpEndpoint: string | undefined, attributes: Attributes): Promise<Tracing> {
  if (otlpEndpoint === undefined || otlpEndpoint === '') return NO_TRACING
  const { otlpTracer } = await import('./otlp.js')
  const { tracer, shutdown } = otlpTracer(otlpEndpoint, attributes)
  return new Tracing(tracer, shutdown)
}
