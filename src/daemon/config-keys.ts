/**
 * The daemon's settings: every key a config file (configs/*.json) may hold,
 * documented where it is declared, with the check each value must pass.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidConfigError } from '../errors.js'
import { MAX_FRAME_BYTES } from '../constants.js'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

/** A value and a concurrent sibling must fit in one protocol frame. */
export const MAX_VALUE_BYTES_CAP = MAX_FRAME_BYTES / 2

export interface DaemonConfig {
  /** cluster name, [A-Za-z0-9._-]{1,64}: peers only talk to peers of the same cluster */
  cluster: string
  /** LevelDB directory (records and this peer's identity key); relative paths resolve against the current directory */
  dataDir: string
  /** libp2p listen multiaddrs (TCP, WebSockets); at least one */
  listen: string[]
  /** HTTP API address, "HOST:PORT" ("[::1]:7070" for IPv6); port 0 picks a free port */
  api: string
  /** multiaddrs of peers to join through; /p2p/<peer id> is optional */
  bootstrap: string[]
  /** relative capacity (> 0): this peer's share of the ring is proportional to it */
  capacity: number
  /** free-form zone label, announced in membership */
  zone?: string
  /** replicas per key (default 3; configs/single.json, the lone-peer default, sets 1); unset, the cluster's is adopted */
  n: number
  /** read quorum: replies a get waits for (1..n; default a majority of n) */
  r: number
  /** write quorum: durable acks a put waits for (1..n; default a majority of n) */
  w: number
  /** largest value a put may store, in bytes */
  maxValueBytes: number
  /** fsync every write before acknowledging it (survives power loss, not just a crash) */
  fsync: boolean
  /** membership probe period: each watched member is pinged this often (ms) */
  heartbeatMs: number
  /** how long a member suspected by a failure detector has to refute before it is down and out of the ring (ms); more than heartbeatMs */
  memberTimeoutMs: number
  /** period of this peer's full membership announcement, which heals missed messages (ms); at least heartbeatMs */
  announceMs: number
  /** phi (suspicion level of the phi-accrual detector) above which a watched member is suspect; 8 is about a 1e-8 chance of a false alarm */
  phiThreshold: number
  /** deadline of a client request coordinated by this peer (ms) */
  requestTimeoutMs: number
  /** how long a fresh peer waits to hear the cluster's ring before it chooses its tokens and joins (ms) */
  joinWaitMs: number
  /** record bytes a joining peer asks for in one range-transfer batch */
  transferBatchBytes: number
  /** how long the ring must stay the same before keys this peer no longer owns are handed over and dropped (ms) */
  dropAfterStableMs: number
  /** keys handed over and dropped per second at most */
  dropRate: number
  /** ring tokens per unit of capacity; every peer of a cluster must use the same value (unset, the cluster's is adopted) */
  tokensPerUnit: number
  /** a delete's tombstone is collected once every replica of the key has it and it is this old (ms); must exceed the age after which hints are dropped */
  tombstoneGraceMs: number
  /** period of the tombstone collection pass (ms) */
  tombstoneScanMs: number
  /** period of the background Merkle anti-entropy exchange with one co-replica (ms); 0 disables it */
  antiEntropyIntervalMs: number
  /** bytes per second anti-entropy may use, both ways together; 0 is unlimited */
  antiEntropyBytesPerSec: number
  /** the least severe log level written: debug, info, warn or error */
  logLevel: LogLevel
  /** hinted handoff: most hints this peer holds for absent owners; past it, it refuses to stand in and the next peer is asked */
  maxHints: number
  /** bytes of records kept for keys this peer coordinates without being their replica (conditional reads); 0 keeps none */
  recordCacheBytes: number
  storeCacheBytes: number
  /** hinted handoff: age after which an undelivered hint is dropped (ms); a tombstone's grace period must exceed it */
  hintMaxAgeMs: number
  /** closed cluster: file of the cluster key (`meshkv cluster init`); this peer certifies itself with it */
  clusterKey?: string
  /** closed cluster: file of this peer's membership certificate (`meshkv cluster invite`) */
  cert?: string
  /** bearer token the HTTP API requires (always when set; needed to listen off loopback); 16 characters or more */
  apiToken?: string
  /** file holding the API's bearer token (instead of apiToken) */
  apiTokenFile?: string
  /** client requests the HTTP API works on at once; past it, requests are answered 429 with Retry-After (ERR_OVERLOADED) */
  maxInflight: number
  /**
   * client operation latency (ms) the HTTP API's in-flight limit steers towards below maxInflight
   * (src/daemon/adaptive-limit.ts); unset: requestTimeoutMs / 10; 0: no adaptive limit, maxInflight alone
   */
  inflightTargetMs?: number
  /** requests per second each client address may make to the HTTP API (token bucket); 0 is no limit */
  clientRatePerSec: number
  /** requests a client may make in a burst above its rate (the bucket's size) */
  clientBurst: number
  /** circuit breaker: consecutive timeouts to a peer after which requests to it fail at once (0 disables breakers) */
  breakerFailures: number
  /** circuit breaker: how long requests to such a peer fail at once before one probes it (ms); doubles after a failed probe, up to 30 s */
  breakerOpenMs: number
  /** OTLP/HTTP collector spans are exported to, "http://HOST:4318" (or its full /v1/traces URL); unset, tracing is off */
  otlpEndpoint?: string
  /** serve circuit relay v2 to peers behind NATs: true, false, or "auto" (serve when a listen address is publicly routable) */
  relayServer: 'auto' | boolean
  /** hold a reservation on a relay, whose address is then announced so peers can reach this one: true, false, or "auto" (when no listen address is publicly routable and one is not loopback) */
  relayReservation: 'auto' | boolean
  /** relay server: reservations held at once */
  relayMaxReservations: number
  /** relay server: how long one relayed connection may last (ms) */
  relayDurationMs: number
  /** relay server: bytes one relayed connection may carry each way */
  relayDataBytes: number
  /** AutoNAT: ask peers to dial this one back, to learn whether it is reachable (status: reach.reachability) */
  autonat: boolean
  /** DCUtR: upgrade relayed connections to direct ones by TCP hole punching */
  dcutr: boolean
  /** map the listening port on a UPnP/NAT-PMP router */
  upnp: boolean
  /** WebRTC between peers, signalled through a relay: upgrades relayed connections by UDP hole punching */
  webrtc: boolean
  /** STUN/TURN URLs WebRTC learns its public address from, like "stun:stun.example.net:3478" */
  iceServers: string[]
  /** how often a relayed connection whose WebRTC upgrade failed is tried again (ms) */
  webrtcRetryMs: number
  /** period of the bucket refresh: properties set through other peers and quota usage are seen within it; quotas are enforced with a lag of about two periods (ms) */
  bucketRefreshMs: number
  /** serve the browser demo page at /app and relay for browser tabs (circuit relay v2), so tabs reach each other over WebRTC */
  web: boolean
  /** find peers of this cluster on the LAN by mDNS (the flag --no-mdns turns it off) */
  mdns: boolean
  /** kad-dht: members provide the cluster's key, so a peer that knows any peer of the DHT finds them, and a member that moved is found again */
  dht: boolean
  /** the DHT's protocol id; only peers with the same one share a DHT (a deployment can keep its own) */
  dhtProtocol: string
}

export type ConfigKey = keyof DaemonConfig

function show (v: unknown): string {
  const s = typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v) ?? String(v)
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

function expect (key: string, what: string, v: unknown): InvalidConfigError {
  return new InvalidConfigError(`must be ${what}, got ${show(v)}`, key)
}

function string (pattern?: RegExp, what = 'a non-empty string') {
  return (v: unknown, key: string): string => {
    if (typeof v !== 'string' || v.length === 0 || (pattern !== undefined && !pattern.test(v))) throw expect(key, what, v)
    return v
  }
}

export function wholeNumber (min: number, max: number) {
  return (v: unknown, key: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw expect(key, `a whole number from ${min} to ${max}`, v)
    return v
  }
}

function multiaddrs (min: number) {
  return (v: unknown, key: string): string[] => {
    const what = `an array of multiaddr strings${min > 0 ? ` (at least ${min})` : ''}`
    if (!Array.isArray(v) || v.length < min || v.length > 64) throw expect(key, what, v)
    return v.map((a: unknown, i) => {
      if (typeof a !== 'string') throw expect(`${key}[${i}]`, 'a multiaddr string', a)
      try {
        return multiaddr(a).toString()
      } catch (err) {
        throw new InvalidConfigError(`must be a multiaddr like /ip4/127.0.0.1/tcp/7101, got ${show(a)} (${(err as Error).message})`, `${key}[${i}]`)
      }
    })
  }
}

/** "HOST:PORT", split; IPv6 hosts are bracketed. */
export function parseHostPort (s: string): { host: string, port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(s)
  if (m === null) return undefined
  const port = Number(m[3])
  return port <= 65535 ? { host: m[1] ?? m[2], port } : undefined
}

function hostPort (v: unknown, key: string): string {
  if (typeof v !== 'string' || parseHostPort(v) === undefined) throw expect(key, '"HOST:PORT" with a port from 0 to 65535, like "127.0.0.1:7070"', v)
  return v
}

function positiveNumber (v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw expect(key, 'a positive number', v)
  return v
}

function boundedNumber (min: number, max: number) {
  return (v: unknown, key: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw expect(key, `a number from ${min} to ${max}`, v)
    return v
  }
}

function boolean (v: unknown, key: string): boolean {
  if (typeof v !== 'boolean') throw expect(key, 'true or false', v)
  return v
}

function autoOrBoolean (v: unknown, key: string): 'auto' | boolean {
  if (v !== 'auto' && typeof v !== 'boolean') throw expect(key, '"auto", true or false', v)
  return v
}

function iceUrls (v: unknown, key: string): string[] {
  if (!Array.isArray(v) || v.length > 16) throw expect(key, 'an array of up to 16 STUN/TURN URLs', v)
  return v.map((u: unknown, i) => {
    if (typeof u !== 'string' || !/^(stun|stuns|turn|turns):[^\s]{1,250}$/.test(u)) throw expect(`${key}[${i}]`, 'a URL like "stun:host:3478"', u)
    return u
  })
}

function logLevel (v: unknown, key: string): LogLevel {
  if (!LOG_LEVELS.includes(v as LogLevel)) throw expect(key, `one of ${LOG_LEVELS.map(l => `"${l}"`).join(', ')}`, v)
  return v as LogLevel
}

/** A bearer token: never shown back in an error (it may be almost right). */
export function token (v: unknown, key: string): string {
  if (typeof v !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(v)) {
    throw new InvalidConfigError(`must be a token of 16 to 256 printable characters without spaces (got ${typeof v === 'string' ? `${v.length} characters` : typeof v}; make one with \`openssl rand -hex 32\`)`, key)
  }
  return v
}

/** 127.0.0.0/8, ::1 and localhost: the API needs no token there unless one is set. */
export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

function httpUrl (v: unknown, key: string): string {
  const what = 'an http:// or https:// URL of at most 2048 characters, like "http://127.0.0.1:4318"'
  if (typeof v !== 'string' || v.length > 2048) throw expect(key, what, v)
  let url: URL
  try {
    url = new URL(v)
  } catch {
    throw expect(key, what, v)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw expect(key, what, v)
  return v
}

const HOUR = 3_600_000

/** The check of every key; each returns the value (normalised) or throws InvalidConfigError naming the key. */
export const CHECKS: { readonly [K in ConfigKey]-?: (v: unknown, key: string) => DaemonConfig[K] } = {
  cluster: string(/^[A-Za-z0-9._-]{1,64}$/, 'a name of 1 to 64 letters, digits, ".", "_" or "-"'),
  dataDir: string(),
  listen: multiaddrs(1),
  api: hostPort,
  bootstrap: multiaddrs(0),
  capacity: positiveNumber,
  zone: string(/^[^\u0000-\u001f]{1,64}$/, 'a string of 1 to 64 characters'),
  n: wholeNumber(1, 64),
  r: wholeNumber(1, 64),
  w: wholeNumber(1, 64),
  maxValueBytes: wholeNumber(1, MAX_VALUE_BYTES_CAP),
  fsync: boolean,
  heartbeatMs: wholeNumber(10, HOUR),
  memberTimeoutMs: wholeNumber(10, HOUR),
  announceMs: wholeNumber(10, HOUR),
  phiThreshold: boundedNumber(1, 100),
  requestTimeoutMs: wholeNumber(1, HOUR),
  joinWaitMs: wholeNumber(0, HOUR),
  transferBatchBytes: wholeNumber(1, 4 * 1024 * 1024),
  dropAfterStableMs: wholeNumber(0, 24 * HOUR),
  dropRate: wholeNumber(1, 1_000_000),
  tokensPerUnit: wholeNumber(1, MAX_TOKENS_PER_MEMBER),
  tombstoneGraceMs: wholeNumber(1_000, 365 * 24 * HOUR),
  tombstoneScanMs: wholeNumber(1_000, 24 * HOUR),
  antiEntropyIntervalMs: wholeNumber(0, 24 * HOUR),
  antiEntropyBytesPerSec: wholeNumber(0, 2 ** 40),
  logLevel,
  maxHints: wholeNumber(1, 100_000_000),
  recordCacheBytes: wholeNumber(0, 2 ** 40),
  storeCacheBytes: wholeNumber(0, 2 ** 40),
  hintMaxAgeMs: wholeNumber(1_000, 30 * 24 * HOUR),
  clusterKey: string(),
  cert: string(),
  apiToken: token,
  apiTokenFile: string(),
  maxInflight: wholeNumber(1, 1_000_000),
  inflightTargetMs: wholeNumber(0, HOUR),
  clientRatePerSec: boundedNumber(0, 1_000_000),
  clientBurst: wholeNumber(1, 1_000_000),
  breakerFailures: wholeNumber(0, 1_000),
  breakerOpenMs: wholeNumber(10, HOUR),
  otlpEndpoint: httpUrl,
  relayServer: autoOrBoolean,
  relayReservation: autoOrBoolean,
  relayMaxReservations: wholeNumber(1, 10_000),
  relayDurationMs: wholeNumber(1_000, 24 * HOUR),
  relayDataBytes: wholeNumber(1024, 2 ** 40),
  autonat: boolean,
  dcutr: boolean,
  upnp: boolean,
  webrtc: boolean,
  iceServers: iceUrls,
  webrtcRetryMs: wholeNumber(1_000, 24 * HOUR),
  bucketRefreshMs: wholeNumber(100, HOUR),
  web: boolean,
  mdns: boolean,
  dht: boolean,
  dhtProtocol: string(/^\/[\x21-\x7e]{1,127}$/, 'a protocol id: "/" then up to 127 printable ASCII characters, like "/meshkv/kad/1.0.0"')
}

export const CONFIG_KEYS = Object.keys(CHECKS) as ConfigKey[]
