/**
 * A browser tab exports no spans: its build swaps this in for otlp.ts
 * (package.json "browser"), so the OpenTelemetry SDK and OTLP exporter never
 * reach the bundle. A tab given `otlpEndpoint` is refused at start, saying so.
 */
import { InvalidConfigError } from '../errors.js'
import type { Attributes, Tracer } from '@opentelemetry/api'

export function otlpTracer (_endpoint: string, _attributes: Attributes): { tracer: Tracer, shutdown: () => Promise<void> } {
  throw new InvalidConfigError('span export (OTLP) runs in Node peers only, not in a browser tab', 'otlpEndpoint')
}
