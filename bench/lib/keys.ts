/**
 * Key choice as in YCSB's core workload: uniform, or its scrambled zipfian
 * (ZipfianGenerator over 10^10 items with constant 0.99, then FNV-1a 64 of
 * the item modulo the record count), so hot keys are spread over the key
 * space instead of being the lowest-numbered ones.
 */
const ZIPFIAN_CONSTANT = 0.99
/** YCSB's precomputed zeta(10^10, 0.99) for ScrambledZipfianGenerator */
const ITEM_COUNT = 10_000_000_000
const ZETAN = 26.46902820178302

const FNV_OFFSET = 0xcbf29ce484222325n
const FNV_PRIME = 1099511628211n
const MASK64 = (1n << 64n) - 1n

/** YCSB's Utils.fnvhash64: FNV-1a over the 8 little-endian bytes, then Math.abs of the signed long. */
export function fnvhash64 (value: number): bigint {
  let v = BigInt(value)
  let h = FNV_OFFSET
  for (let i = 0; i < 8; i++) {
    h ^= v & 0xffn
    v >>= 8n
    h = (h * FNV_PRIME) & MASK64
  }
  const signed = BigInt.asIntN(64, h)
  return signed < 0n ? -signed : signed
}

function zeta (n: number, theta: number): number {
  let sum = 0
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta)
  return sum
}

export type Rng = () => number

/** A small seeded PRNG (mulberry32), so runs are repeatable. */
export function rng (seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Zipfian {
  private readonly alpha: number
  private readonly eta: number
  private readonly theta: number

  constructor (private readonly items: number, private readonly zetan: number, theta = ZIPFIAN_CONSTANT) {
    this.theta = theta
    this.alpha = 1 / (1 - theta)
    const zeta2 = zeta(2, theta)
    this.eta = (1 - Math.pow(2 / items, 1 - theta)) / (1 - zeta2 / zetan)
  }

  next (random: Rng): number {
    const u = random()
    const uz = u * this.zetan
    if (uz < 1) return 0
    if (uz < 1 + Math.pow(0.5, this.theta)) return 1
    return Math.floor(this.items * Math.pow(this.eta * u - this.eta + 1, this.alpha))
  }
}

export type Distribution = 'zipfian' | 'uniform'
export type KeyChooser = (random: Rng) => number

export function keyChooser (dist: Distribution, records: number): KeyChooser {
  if (dist === 'uniform') return random => Math.floor(random() * records)
  const zipf = new Zipfian(ITEM_COUNT, ZETAN)
  const n = BigInt(records)
  return random => Number(fnvhash64(zipf.next(random)) % n)
}

/** YCSB names records user<n>; the number is hashed there too, the ring hashes it here. */
export const keyName = (n: number): string => `user${n}`
