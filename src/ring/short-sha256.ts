/**
 * The first 8 bytes of SHA-256 of a message that fits one block (at most
 * SHORT_SHA256_BYTES: nearly every key). Every operation hashes its key
 * once for the ring (src/ring/hash.ts); the general hash (@noble/hashes)
 * makes a hasher object, pads into a buffer and copies out a digest, ~4 µs
 * a key on this machine, where one block compressed in place takes well
 * under one. Same digest: FIPS 180-4, one block, no allocation.
 */

/** Longest message that fits one block: 64 bytes less the 0x80 pad byte and the 8-byte length. */
export const SHORT_SHA256_BYTES = 55

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
])
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

/** The message schedule, reused: the hash is synchronous and never re-entered. */
const W = new Int32Array(64)

function rotr (x: number, n: number): number {
  return (x >>> n) | (x << (32 - n))
}

/**
 * The first 8 bytes of SHA-256(bytes) as two unsigned 32-bit big-endian
 * halves. Only for bytes.length <= SHORT_SHA256_BYTES (RangeError otherwise).
 */
export function shortSha256Prefix (bytes: Uint8Array): [hi: number, lo: number] {
  const len = bytes.length
  if (len > SHORT_SHA256_BYTES) throw new RangeError(`${len} bytes do not fit one SHA-256 block`)
  // the padded block as 16 big-endian words: message, 0x80, zeros, bit length
  W.fill(0, 0, 16)
  for (let i = 0; i < len; i++) W[i >> 2] |= bytes[i] << (24 - 8 * (i & 3))
  W[len >> 2] |= 0x80 << (24 - 8 * (len & 3))
  W[15] = len * 8
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]
    const w2 = W[i - 2]
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3)
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10)
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0
  }
  let a = IV[0]; let b = IV[1]; let c = IV[2]; let d = IV[3]
  let e = IV[4]; let f = IV[5]; let g = IV[6]; let h = IV[7]
  for (let i = 0; i < 64; i++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
    const ch = (e & f) ^ (~e & g)
    const t1 = (h + S1 + ch + K[i] + W[i]) | 0
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
    const maj = (a & b) ^ (a & c) ^ (b & c)
    const t2 = (S0 + maj) | 0
    h = g; g = f; f = e
    e = (d + t1) | 0
    d = c; c = b; b = a
    a = (t1 + t2) | 0
  }
  return [(IV[0] + a) >>> 0, (IV[1] + b) >>> 0]
}
