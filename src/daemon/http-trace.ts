/**
 * The request id and trace context of an HTTP request: a client's
 * `x-request-id` when it is well formed (else a fresh one), returned in the
 * reply's `x-request-id`; a client's W3C `traceparent` when valid. Handlers
 * pass them to the node (`...traceOf(req)` in an operation's options).
 */
import { newRequestId, parseTraceparent, validRequestId } from '../observability/request-trace.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TraceOptions } from '../coordinator/coordinator.js'

const traces = new WeakMap<IncomingMessage, TraceOptions>()

/** Give the request its id (and say it in the reply); call once, before routing. */
export function assignTrace (req: IncomingMessage, res: ServerResponse): TraceOptions {
  const header = req.headers['x-request-id']
  const requestId = validRequestId(Array.isArray(header) ? header[0] : header) ?? newRequestId()
  const tp = req.headers.traceparent
  const traceparent = typeof tp === 'string' && parseTraceparent(tp) !== undefined ? tp : undefined
  const trace: TraceOptions = traceparent === undefined ? { requestId } : { requestId, traceparent }
  traces.set(req, trace)
  res.setHeader('x-request-id', requestId)
  return trace
}

/** The request's id and trace context, for a node operation's options. */
export function traceOf (req: IncomingMessage): TraceOptions {
  return traces.get(req) ?? {}
}
