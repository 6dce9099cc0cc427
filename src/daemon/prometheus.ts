/**
 * libp2p's own metrics (connections, streams, bytes per protocol, dials;
 * names starting `libp2p_`, plus process and Node.js ones) through
 * @libp2p/prometheus-metrics, in a prom-client registry of this daemon's own.
 *
 * A registry per host, not prom-client's global one: several nodes in one
 * process (tests) would otherwise clash on names. The package still keeps
 * one module-wide table of metric objects, which a new host clears: a second
 * host in the same process starts its own set, and a metric the first one
 * registers only after that may be counted in the second's registry. One
 * daemon per process (the normal case) is not affected.
 */
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'
import type { HostInit } from '../host.js'

export interface Libp2pPrometheus {
  /** for HostInit.metrics / NodeOptions.libp2pMetrics */
  readonly metrics: NonNullable<HostInit['metrics']>
  /** the registry's families in the Prometheus text format */
  render: () => Promise<string>
}

export function libp2pPrometheus (): Libp2pPrometheus {
  const registry = new Registry()
  return {
    metrics: prometheusMetrics({ registry, collectDefaultMetrics: true }),
    render: async () => registry.metrics()
  }
}
