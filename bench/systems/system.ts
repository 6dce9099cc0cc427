/** What the YCSB driver needs from a store: one shape for meshkv, etcd, Redis and the floor. */
export interface KvSystem {
  readonly name: string
  /** how it runs: peers, replication, durability, client path */
  readonly notes: string
  /** read a key; false when it is absent. `client` picks the connection or peer. */
  get: (key: string, client: number) => Promise<boolean>
  put: (key: string, value: Uint8Array, client: number) => Promise<void>
  stop: () => Promise<void>
  /** CPU ms its server processes have used so far (bench/lib/proc-cpu.ts); absent when they are not separate processes */
  cpuMs?: () => number | undefined
  /** the HTTP APIs of its peers, when it has any (meshkv daemons) */
  urls?: string[]
}

export interface SystemOptions {
  /** closed-loop clients (or the open loop's in-flight bound) the system should have connections for */
  clients: number
  valueSize: number
  /** install a missing Debian package when root */
  install: boolean
  opTimeoutMs: number
}

/** A system that cannot run here: the reason goes into the table instead of numbers. */
export class Skipped extends Error {
  override readonly name = 'Skipped'
}
