/**
 * The peer's identity key, created once and kept in the node's datastore (so
 * in its data dir), so a restarted peer keeps its peer id and ring position.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { Key } from 'interface-datastore'
import type { PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

const IDENTITY_KEY = new Key('/meta/identity')

export async function loadOrCreateIdentity (datastore: Datastore): Promise<PrivateKey> {
  if (await datastore.has(IDENTITY_KEY)) {
    return privateKeyFromProtobuf(await datastore.get(IDENTITY_KEY))
  }
  const key = await generateKeyPair('Ed25519')
  await datastore.put(IDENTITY_KEY, privateKeyToProtobuf(key))
  return key
}
