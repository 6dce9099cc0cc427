/**
 * Client reads and writes by bucket: a key and its bucket become the
 * internal key (src/buckets/encoding.ts), the bucket's quorums and quotas
 * apply, and a bucket nobody created is refused (NoSuchBucket) rather than
 * made up: a typo in a bucket name must not scatter keys where no quota or
 * N/R/W the operator set applies. The default bucket always exists, has the
 * cluster's quorums and no quotas, and its internal key is the plain key.
 */
import { DEFAULT_BUCKET, bucketKey } from './encoding.js'
import { checkQuota } from './quota.js'
import { validatePlainKey } from '../coordinator/validate.js'
import type { BucketRegistry } from './registry.js'
import type { BucketProps } from './properties.js'
import type { Usage } from './usage.js'
import type { Coordinator, GetResult, PutResult, Quorums, ReadOptions, WriteOptions } from '../coordinator/coordinator.js'
import type { MetricsRegistry } from '../metrics.js'

/** A read or write names its bucket; absent, the default bucket. */
export interface BucketOption { bucket?: string }

/** A bucket as `bucket show` and GET /buckets/:name give it. */
export interface BucketInfo {
  name: string
  /** the quorums its keys are read and written with (its own, else the cluster's) */
  n: number
  r: number
  w: number
  maxKeys?: number
  maxBytes?: number
  /** when its properties were last set (ms since the epoch; 0 for the default bucket) */
  updated: number
  /** cluster-wide live keys and value bytes as this peer last summed them; counted only for buckets with a quota */
  usage: Usage
}

export class BucketKv {
  constructor (private readonly coordinator: Coordinator, private readonly registry: BucketRegistry, private readonly metrics: MetricsRegistry) {
    metrics.describe('meshkv_quota_refusals_total', 'writes refused for a bucket quota (max-keys, max-bytes)')
  }

  async put (key: string, value: Uint8Array, options: WriteOptions & BucketOption = {}): Promise<PutResult> {
    const { bucket, ...rest } = options
    const target = await this.target(bucket, key)
    if (target === undefined) return this.coordinator.put(key, value, rest)
    const { internal, props, quorums } = target
    try {
      await checkQuota(props, this.registry.usageOf(props.name), value.byteLength, async () =>
        (await this.coordinator.get(internal, { n: quorums.n, r: quorums.r, timeoutMs: rest.timeoutMs, requestId: rest.requestId, traceparent: rest.traceparent, internal: true })).found)
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_QUOTA') this.metrics.inc('meshkv_quota_refusals_total', { bucket: props.name })
      throw err
    }
    return this.coordinator.put(internal, value, { ...rest, n: quorums.n, w: rest.w ?? quorums.w })
  }

  async get (key: string, options: ReadOptions & BucketOption = {}): Promise<GetResult> {
    const { bucket, ...rest } = options
    const target = await this.target(bucket, key)
    if (target === undefined) return this.coordinator.get(key, rest)
    return this.coordinator.get(target.internal, { ...rest, n: target.quorums.n, r: rest.r ?? target.quorums.r })
  }

  async delete (key: string, options: WriteOptions & BucketOption = {}): Promise<PutResult> {
    const { bucket, ...rest } = options
    const target = await this.target(bucket, key)
    if (target === undefined) return this.coordinator.delete(key, rest)
    return this.coordinator.delete(target.internal, { ...rest, n: target.quorums.n, w: rest.w ?? target.quorums.w })
  }

  async info (name: string): Promise<BucketInfo> {
    return this.describe(await this.registry.props(name))
  }

  async list (): Promise<BucketInfo[]> {
    return (await this.registry.list()).map(p => this.describe(p))
  }

  async set (name: string, settings: unknown): Promise<BucketInfo> {
    return this.describe(await this.registry.set(name, settings))
  }

  private describe (props: BucketProps): BucketInfo {
    const { n, r, w } = this.registry.quorumsOf(props)
    const quota = props.maxKeys !== undefined || props.maxBytes !== undefined
    return {
      name: props.name,
      n,
      r,
      w,
      ...(props.maxKeys !== undefined ? { maxKeys: props.maxKeys } : {}),
      ...(props.maxBytes !== undefined ? { maxBytes: props.maxBytes } : {}),
      updated: props.updated,
      usage: quota ? this.registry.usageOf(props.name) : { keys: 0, bytes: 0 }
    }
  }

  /**
   * The internal key and what applies to it; undefined for the default
   * bucket (whose keys are plain, validated here so that no client can
   * reach a named or the system bucket by spelling its internal key).
   */
  private async target (bucket: string | undefined, key: string): Promise<{ internal: string, props: BucketProps, quorums: Quorums } | undefined> {
    const name = bucket ?? DEFAULT_BUCKET
    const props = await this.registry.props(name)
    validatePlainKey(key, name)
    if (name === DEFAULT_BUCKET) return undefined
    return { internal: bucketKey(name, key), props, quorums: this.registry.quorumsOf(props) }
  }
}
