/**
 * The names a cluster is found by without an address: the DHT key its
 * members provide, and the mDNS service tag they answer to. Both derive
 * from the cluster name alone, so every member (and every peer that wants
 * to join) computes the same ones; the fixed prefix keeps the key apart
 * from any content another application might provide.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

const PREFIX = 'meshkv/cluster/v1/'
/** multicodec of raw bytes and of sha2-256 */
const RAW = 0x55
const SHA2_256 = 0x12

function clusterHash (cluster: string): Uint8Array {
  return sha256(new TextEncoder().encode(PREFIX + cluster))
}

/** The CID the members of `cluster` provide on the DHT: sha256 of the prefix and the name. */
export function clusterCid (cluster: string): CID {
  return CID.createV1(RAW, createDigest(SHA2_256, clusterHash(cluster)))
}

/**
 * The mDNS service tag of `cluster`. A cluster name may hold dots and be 64
 * characters long, more than one DNS label takes: a hash of it fits, and
 * peers of other clusters on the LAN never answer our queries.
 */
export function mdnsServiceTag (cluster: string): string {
  const hex = Array.from(clusterHash(cluster).subarray(0, 8), b => b.toString(16).padStart(2, '0')).join('')
  return `_meshkv-${hex}._udp.local`
}
