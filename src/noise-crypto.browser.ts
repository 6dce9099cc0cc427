/**
 * A browser tab has no node:crypto: noise's own crypto, as it chooses,
 * swapped in for noise-crypto.ts by package.json's `browser` field.
 */
import type { ICryptoInterface } from '@libp2p/noise'

export function noiseCrypto (): ICryptoInterface | undefined {
  return undefined
}
