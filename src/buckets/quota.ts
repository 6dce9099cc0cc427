/**
 * Whether a put may go ahead under its bucket's quotas, against the
 * cluster-wide usage this peer last summed (src/buckets/registry.ts).
 * max-keys: at the limit, only a key that exists already may be written
 * (an overwrite adds no key); the read that tells is paid only at the
 * limit. max-bytes: the usage plus the new value must stay within it.
 * Deletes are never refused: they free quota.
 */
import { QuotaExceededError } from '../errors.js'
import type { BucketProps } from './properties.js'
import type { Usage } from './usage.js'

export async function checkQuota (props: BucketProps, usage: Usage, valueBytes: number, exists: () => Promise<boolean>): Promise<void> {
  if (props.maxBytes !== undefined && usage.bytes + valueBytes > props.maxBytes) {
    throw new QuotaExceededError({ bucket: props.name, quota: 'max-bytes', limit: props.maxBytes, usage: usage.bytes }, ` (this value adds ${valueBytes} bytes)`)
  }
  if (props.maxKeys !== undefined && usage.keys >= props.maxKeys && !(await exists())) {
    throw new QuotaExceededError({ bucket: props.name, quota: 'max-keys', limit: props.maxKeys, usage: usage.keys })
  }
}
