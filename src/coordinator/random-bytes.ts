/**
 * Random bytes for write ids and key epochs, drawn from a pool filled a few
 * kilobytes at a time: one getRandomValues call per put (16 bytes) cost
 * about 1% of a daemon's CPU under a write load, most of it the call
 * itself. Each caller gets a copy of its own; no byte is handed out twice.
 */
const POOL_BYTES = 4096

const pool = new Uint8Array(POOL_BYTES)
let at = POOL_BYTES

export function randomBytes (n: number): Uint8Array {
  if (n > POOL_BYTES) return globalThis.crypto.getRandomValues(new Uint8Array(n))
  if (at + n > POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool)
    at = 0
  }
  const out = pool.slice(at, at + n)
  at += n
  return out
}
