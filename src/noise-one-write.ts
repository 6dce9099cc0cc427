/**
 * Noise with each encrypted message handed to the transport as one buffer.
 *
 * @libp2p/noise 1.x encrypts a message into a list of buffers, its 2-byte
 * length and the ciphertext (itself three buffers when node:crypto encrypts
 * yamux's list of header and data, for messages of 1,200 B and more: the
 * header, the data, the tag), and the TCP transport writes a list one
 * buffer at a time: two to four socket writes (syscalls) per message, and
 * on loopback the peer is often woken for the two length bytes alone.
 * Every kv request and reply paid for that (a SYNC of a 1 KB record, four). This joins the two before they
 * reach the transport: one write of length and ciphertext (a copy of the
 * message, far cheaper than a syscall). The bytes on the wire are the same.
 *
 * The stream class noise wraps connections in is not exported, so its
 * prototype is patched when the first connection is secured.
 */
import { noise } from '@libp2p/noise'
import type { NoiseInit } from '@libp2p/noise'
import type { Uint8ArrayList } from 'uint8arraylist'

const PATCHED = Symbol.for('meshkv.noise-one-write')

type Encrypt = (chunk: Uint8Array | Uint8ArrayList) => Uint8Array | Uint8ArrayList
interface EncryptingStream { encrypt?: Encrypt, [PATCHED]?: boolean }
type Secure = (...args: unknown[]) => Promise<{ connection: unknown }>

/** Patch the prototype of noise's encrypted stream (once): encrypt returns one contiguous buffer. */
export function patchEncryptedStream (connection: unknown): void {
  const proto = connection === null || typeof connection !== 'object' ? undefined : Object.getPrototypeOf(connection) as EncryptingStream | null
  if (proto == null || proto[PATCHED] === true || typeof proto.encrypt !== 'function') return
  const stock = proto.encrypt
  proto.encrypt = function (this: EncryptingStream, chunk: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList {
    const out = stock.call(this, chunk)
    // a Uint8ArrayList of length and ciphertext parts (repeated past 64 KB): joined
    return out instanceof Uint8Array ? out : out.subarray()
  }
  proto[PATCHED] = true
}

/** noise(), whose connections write each encrypted message at once. */
export function noiseOneWrite (init?: NoiseInit): ReturnType<typeof noise> {
  const make = noise(init)
  return (components => {
    const encrypter = make(components) as unknown as Record<'secureInbound' | 'secureOutbound', Secure>
    for (const name of ['secureInbound', 'secureOutbound'] as const) {
      const stock = encrypter[name]
      if (typeof stock !== 'function') continue
      encrypter[name] = async function (this: unknown, ...args: unknown[]) {
        const secured = await stock.apply(this, args)
        patchEncryptedStream(secured.connection)
        return secured
      }
    }
    return encrypter
  }) as ReturnType<typeof noise>
}
