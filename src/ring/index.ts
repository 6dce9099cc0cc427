export { hash64 } from './hash.js'
export { Ring, tokensFor, MAX_TOKENS_PER_MEMBER, MAX_RING_TOKENS } from './ring.js'
export type { RingMember, RingOptions } from './ring.js'
