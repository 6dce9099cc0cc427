/** The Merkle index and its arcs (pure: no I/O). */
export { MerkleIndex, DEFAULT_BUCKET_BITS } from './merkle-index.js'
export type { KeyDigest, MerkleIndexOptions } from './merkle-index.js'
export { recordDigest, leafHash, DIGEST_BYTES } from './digest.js'
export type { DigestSibling } from './digest.js'
export { intervals, arcWidth, splitArc, coalesce, RING_TOP } from './arc.js'
export type { Arc } from './arc.js'
