/**
 * The cluster key as a file holds it: the libp2p protobuf encoding of an
 * Ed25519 private key, base64 on one line. Its id (the peer id its public
 * key would have) names the cluster in status and logs.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { fromString, toString } from 'uint8arrays'
import { InvalidArgumentError } from '../errors.js'
import type { PrivateKey, PublicKey } from '@libp2p/interface'

export async function newClusterKey (): Promise<PrivateKey> {
  return generateKeyPair('Ed25519')
}

export function encodeClusterKey (key: PrivateKey): string {
  return `${toString(privateKeyToProtobuf(key), 'base64')}\n`
}

/** `what` names the source in the error (a file path). */
export function decodeClusterKey (text: string, what = 'cluster key'): PrivateKey {
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(fromString(text.trim(), 'base64'))
  } catch (err) {
    throw new InvalidArgumentError(`${what} is not a meshkv cluster key (${(err as Error).message}); make one with \`meshkv cluster init --key FILE\``)
  }
  if (key.type !== 'Ed25519') throw new InvalidArgumentError(`${what} is a ${key.type} key; a cluster key is Ed25519 (\`meshkv cluster init\`)`)
  return key
}

/** The cluster key's id, as status shows it. */
export function clusterKeyId (key: PublicKey): string {
  return peerIdFromPublicKey(key).toString()
}

/** Certificates and revocations travel as base64 text in files and over HTTP. */
export function encodeSignedText (bytes: Uint8Array): string {
  return `${toString(bytes, 'base64')}\n`
}

export function decodeSignedText (text: string, what: string): Uint8Array {
  const trimmed = text.trim()
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length > 4096) throw new InvalidArgumentError(`${what} is not a meshkv certificate or revocation (expected one line of base64)`)
  return fromString(trimmed, 'base64')
}
