/**
 * src/noise-crypto.ts: noise's cipher, switched between its WebAssembly and
 * node:crypto implementations at NODE_CIPHER_FROM_BYTES, gives the bytes
 * the stock one gives at every size around both switch points (peers on
 * either side of the change talk as before), opens what either sealed,
 * and refuses a message whose tag or ciphertext was changed.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { asCrypto, defaultCrypto, nodeCrypto } from '@libp2p/noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { NODE_CIPHER_FROM_BYTES, noiseCrypto } from '../../src/noise-crypto.js'

const TAG = 16
const STOCK_SWITCH = 1200
const SIZES = [0, 1, 64, 511, 512, STOCK_SWITCH - 1, STOCK_SWITCH, STOCK_SWITCH + 1, NODE_CIPHER_FROM_BYTES - TAG - 1, NODE_CIPHER_FROM_BYTES - TAG,
  NODE_CIPHER_FROM_BYTES - 1, NODE_CIPHER_FROM_BYTES, NODE_CIPHER_FROM_BYTES + 1, 4096, 65535 - TAG]

function bytes (size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = ((i + seed) * 2654435761) >>> 24
  return out
}

// the bytes alone (node:crypto answers with Buffers, WebAssembly with Uint8Arrays)
const joined = (x: Uint8Array | Uint8ArrayList): Uint8Array => new Uint8Array(x instanceof Uint8Array ? x : x.subarray())

describe('noise crypto switched at NODE_CIPHER_FROM_BYTES', () => {
  const crypto = noiseCrypto()
  const k = bytes(32, 1)
  const nonce = bytes(12, 2)
  const ad = bytes(32, 3)

  test('the switch lies between the stock switch and noise\'s largest message', () => {
    assert.ok(NODE_CIPHER_FROM_BYTES > STOCK_SWITCH && NODE_CIPHER_FROM_BYTES < 65535)
  })

  for (const size of SIZES) {
    test(`${size} B: sealed as the stock cipher seals, opened by either`, () => {
      const plaintext = bytes(size, size)
      const sealed = joined(crypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k))
      assert.equal(sealed.byteLength, size + TAG)
      assert.deepEqual(sealed, joined(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)))
      // both implementations, whichever this size goes to
      assert.deepEqual(sealed, joined(asCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)))
      assert.deepEqual(sealed, joined(nodeCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)))
      assert.deepEqual(joined(crypto.chaCha20Poly1305Decrypt(sealed.slice(), nonce, ad, k)), plaintext)
      assert.deepEqual(joined(defaultCrypto.chaCha20Poly1305Decrypt(sealed.slice(), nonce, ad, k)), plaintext)
      // noise opens in place: the ciphertext's own bytes as the destination
      const inPlace = sealed.slice()
      assert.deepEqual(joined(crypto.chaCha20Poly1305Decrypt(inPlace, nonce, ad, k, inPlace.subarray(0, size))), plaintext)
    })

    test(`${size} B: a changed byte is refused`, () => {
      const sealed = joined(crypto.chaCha20Poly1305Encrypt(bytes(size, size), nonce, ad, k)).slice()
      for (const at of [0, Math.floor(size / 2), size + TAG - 1]) {
        if (at >= sealed.byteLength) continue
        const tampered = sealed.slice()
        tampered[at] ^= 1
        assert.throws(() => crypto.chaCha20Poly1305Decrypt(tampered, nonce, ad, k))
      }
      assert.throws(() => crypto.chaCha20Poly1305Decrypt(sealed.slice(), nonce, bytes(32, 4), k), 'another associated data')
    })
  }

  test('a list of buffers (yamux\'s header and data) seals as its bytes joined', () => {
    for (const size of [100, NODE_CIPHER_FROM_BYTES - 100, NODE_CIPHER_FROM_BYTES + 100]) {
      const data = bytes(size, 9)
      const list = new Uint8ArrayList(data.subarray(0, 12), data.subarray(12))
      assert.deepEqual(joined(crypto.chaCha20Poly1305Encrypt(list, nonce, ad, k)), joined(crypto.chaCha20Poly1305Encrypt(data, nonce, ad, k)))
    }
  })
})
