/**
 * Noise's ChaCha20-Poly1305, switched between its two implementations where
 * they cross inside a running peer, not where @libp2p/noise switches.
 *
 * @libp2p/noise seals messages under 1,200 B with its WebAssembly cipher and
 * larger ones with node:crypto. In a loop, node:crypto is the faster one from
 * about 500 B up (it costs ~7 µs a call to set up a cipher whatever the size,
 * the WebAssembly one ~2 µs plus 10 µs per KB). In a peer under load it is
 * the other way round up to 2 KB: calls timed where noise makes them, each
 * given to one of the two at random (3 peers and a client node, 16 clients,
 * YCSB W then A), cost node:crypto 32-44 µs whatever the size, against
 * 11-14 µs for WebAssembly under 512 B, 24-31 µs from 512 B to 2 KB, 47-51 µs
 * from 2 to 4 KB and 77-83 µs from 4 to 8 KB. A setup that runs once per
 * call and is cold every time is what a busy peer pays. Most of meshkv's
 * messages are a 1 KB record with its key and version (a client's put, a
 * SYNC, a put's or a read's reply), 1.2 to 2 KB once sealed; several sent
 * together go out as one larger message, which node:crypto still takes.
 */
import { asCrypto, defaultCrypto } from '@libp2p/noise/crypto'
import type { ICryptoInterface } from '@libp2p/noise'

/**
 * messages of this many bytes and more are sealed and opened as noise
 * itself does at that size: by node:crypto, or by WebAssembly where
 * node:crypto has no ChaCha20-Poly1305 (Electron's main process)
 */
export const NODE_CIPHER_FROM_BYTES = 2048

export function noiseCrypto (): ICryptoInterface {
  return {
    ...defaultCrypto,
    chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
      return plaintext.byteLength < NODE_CIPHER_FROM_BYTES
        ? asCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
        : defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
    },
    chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
      return ciphertext.byteLength < NODE_CIPHER_FROM_BYTES
        ? asCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
        : defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
    }
  }
}
