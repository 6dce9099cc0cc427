/**
 * The daemon's configuration: a JSON file (optional), CLI flags over it, and
 * the embedded single-peer default under both. Every error is an
 * InvalidConfigError naming the key and where it came from; nothing is
 * silently corrected, least of all a quorum.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { InvalidConfigError } from '../errors.js'
import * as C from '../constants.js'
import { DEFAULT_LISTEN } from '../transports.js'
import { MAX_TOKENS_PER_MEMBER } from '../ring/tokens.js'
import { CHECKS, CONFIG_KEYS, isLoopback, parseHostPort } from './config-keys.js'
import { suggestion } from './suggest.js'
import type { ConfigKey, DaemonConfig } from './config-keys.js'
import type { NodeOptions } from '../node.js'

export type { DaemonConfig, LogLevel } from './config-keys.js'

/** What `meshkv daemon` takes as flags; each replaces the file's value of its key. */
export interface ConfigFlags {
  data?: string
  listen?: string[]
  api?: string
  bootstrap?: string[]
  cluster?: string
  /** as typed: parsed and checked here, so the error names the flag */
  capacity?: string
  'cluster-key'?: string
  cert?: string
  /** --web: serve /app and relay for browser tabs */
  web?: boolean
  /** --no-mdns */
  mdns?: boolean
}

const FLAG_KEYS: Record<keyof ConfigFlags, ConfigKey> = {
  data: 'dataDir', listen: 'listen', api: 'api', bootstrap: 'bootstrap', cluster: 'cluster', capacity: 'capacity', 'cluster-key': 'clusterKey', cert: 'cert', web: 'web', mdns: 'mdns'
}

/**
 * A daemon with no config is a cluster peer: n=3 and r, w a majority of n
 * (3/2/2), and n and tokensPerUnit adopted from the cluster it joins when it
 * did not set them. The lone-peer default is configs/single.json (npm start).
 */
export const DEFAULTS: Omit<DaemonConfig, 'r' | 'w'> = {
  cluster: C.DEFAULT_CLUSTER,
  dataDir: 'data/default',
  listen: DEFAULT_LISTEN,
  api: '127.0.0.1:7070',
  bootstrap: [],
  capacity: C.DEFAULT_CAPACITY,
  n: C.DEFAULT_N,
  maxValueBytes: C.DEFAULT_MAX_VALUE_BYTES,
  fsync: false,
  heartbeatMs: C.DEFAULT_HEARTBEAT_MS,
  memberTimeoutMs: C.DEFAULT_MEMBER_TIMEOUT_MS,
  announceMs: C.DEFAULT_ANNOUNCE_MS,
  phiThreshold: C.DEFAULT_PHI_THRESHOLD,
  requestTimeoutMs: C.DEFAULT_REQUEST_TIMEOUT_MS,
  joinWaitMs: C.DEFAULT_JOIN_WAIT_MS,
  transferBatchBytes: C.DEFAULT_TRANSFER_BATCH_BYTES,
  dropAfterStableMs: C.DEFAULT_DROP_AFTER_STABLE_MS,
  dropRate: C.DEFAULT_DROP_RATE,
  tokensPerUnit: C.DEFAULT_TOKENS_PER_UNIT,
  tombstoneGraceMs: C.DEFAULT_TOMBSTONE_GRACE_MS,
  tombstoneScanMs: C.DEFAULT_TOMBSTONE_SCAN_MS,
  antiEntropyIntervalMs: C.DEFAULT_ANTI_ENTROPY_INTERVAL_MS,
  antiEntropyBytesPerSec: C.DEFAULT_ANTI_ENTROPY_BYTES_PER_SEC,
  logLevel: 'info',
  maxHints: C.DEFAULT_MAX_HINTS,
  recordCacheBytes: C.DEFAULT_RECORD_CACHE_BYTES,
  storeCacheBytes: C.DEFAULT_STORE_CACHE_BYTES,
  hintMaxAgeMs: C.DEFAULT_HINT_MAX_AGE_MS,
  maxInflight: C.DEFAULT_MAX_INFLIGHT,
  clientRatePerSec: 0,
  clientBurst: 100,
  breakerFailures: C.DEFAULT_BREAKER_FAILURES,
  breakerOpenMs: C.DEFAULT_BREAKER_OPEN_MS,
  relayServer: 'auto',
  relayReservation: 'auto',
  relayMaxReservations: C.DEFAULT_RELAY_MAX_RESERVATIONS,
  relayDurationMs: C.DEFAULT_RELAY_DURATION_MS,
  relayDataBytes: C.DEFAULT_RELAY_DATA_BYTES,
  autonat: true,
  dcutr: true,
  upnp: false,
  webrtc: false,
  iceServers: [],
  webrtcRetryMs: C.DIRECT_UPGRADE_RETRY_MS,
  bucketRefreshMs: C.DEFAULT_BUCKET_REFRESH_MS,
  web: false,
  mdns: true,
  dht: true,
  dhtProtocol: C.DEFAULT_DHT_PROTOCOL
}

/** The cluster settings a peer adopts from the cluster when its config leaves them unset. */
export type AdoptedKey = 'n' | 'r' | 'w' | 'tokensPerUnit'

export interface ResolvedConfig extends DaemonConfig {
  /** cluster settings neither the file nor a flag set: the node adopts the cluster's (r, w follow n) */
  unset: AdoptedKey[]
}

/** Config files are small; a bound keeps a wrong path (a disk image, say) from being read whole. */
const MAX_CONFIG_BYTES = 1024 * 1024

function at (where: string, err: InvalidConfigError): InvalidConfigError {
  // keep the class, code and key; only say where the bad value came from
  err.message = `${where}: ${err.message}`
  return err
}

/** Read and check a config file: known keys, each valid on its own. */
export async function loadConfigFile (file: string): Promise<Partial<DaemonConfig>> {
  const where = `config ${file}`
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a JSON file' : `cannot be read (${code ?? (err as Error).message})`
    throw new InvalidConfigError(`${where}: ${why}`)
  }
  if (text.length > MAX_CONFIG_BYTES) throw new InvalidConfigError(`${where}: over ${MAX_CONFIG_BYTES} bytes; is this a config file?`)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new InvalidConfigError(`${where}: not valid JSON: ${(err as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidConfigError(`${where}: must be a JSON object of settings, got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw)}`)
  }
  return checkLayer(raw as Record<string, unknown>, () => where)
}

function checkLayer (raw: Record<string, unknown>, where: (key: string) => string): Partial<DaemonConfig> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in CHECKS)) {
      throw at(where(key), new InvalidConfigError(`unknown key${suggestion(key, CONFIG_KEYS)}; known keys: ${CONFIG_KEYS.join(', ')}`, key))
    }
    try {
      out[key] = CHECKS[key as ConfigKey](value, key)
    } catch (err) {
      throw err instanceof InvalidConfigError ? at(where(key), err) : err
    }
  }
  return out as Partial<DaemonConfig>
}

function flagLayer (flags: ConfigFlags): Partial<DaemonConfig> {
  const raw: Record<string, unknown> = {}
  const flagOf: Record<string, string> = {}
  for (const [flag, key] of Object.entries(FLAG_KEYS) as Array<[keyof ConfigFlags, ConfigKey]>) {
    const v = flags[flag]
    if (v === undefined) continue
    // numbers arrive as text; anything that is not plainly one is shown back as typed
    const num = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
    raw[key] = flag === 'capacity' && !Number.isNaN(num) ? num : v
    flagOf[key] = flag
  }
  return checkLayer(raw, key => `flag --${flagOf[key] === 'mdns' ? 'no-mdns' : flagOf[key]}`)
}

export interface ResolveOptions {
  /** config file path; none means the embedded default */
  file?: string
  flags?: ConfigFlags
  /** directory relative paths resolve against (default: the current directory) */
  cwd?: string
}

/** The config to run with: defaults, then the file, then the flags; checked as a whole. */
export async function resolveConfig (options: ResolveOptions = {}): Promise<ResolvedConfig> {
  const fromFile = options.file === undefined ? {} : await loadConfigFile(options.file)
  const fromFlags = flagLayer(options.flags ?? {})
  const merged = { ...DEFAULTS, ...fromFile, ...fromFlags }
  const n = merged.n
  // a quorum left unset is a majority of n (3/2/2, 1/1/1), so r + w > n unless the config says otherwise
  const majority = Math.floor(n / 2) + 1
  const given = { ...fromFile, ...fromFlags }
  const config: ResolvedConfig = {
    ...merged,
    unset: (['n', 'r', 'w', 'tokensPerUnit'] as const).filter(k => given[k] === undefined),
    r: fromFile.r ?? majority,
    w: fromFile.w ?? majority,
    dataDir: resolve(options.cwd ?? process.cwd(), merged.dataDir)
  }
  // files named by the config resolve like the data dir
  for (const k of ['clusterKey', 'cert', 'apiTokenFile'] as const) {
    const v = merged[k]
    if (v !== undefined) config[k] = resolve(options.cwd ?? process.cwd(), v)
  }
  const where = (key: ConfigKey): string => key in fromFlags ? `flag --${key === 'dataDir' ? 'data' : key}` : options.file !== undefined ? `config ${options.file}` : 'config'
  const unsetN = fromFile.n === undefined ? ` (n is ${C.DEFAULT_N} unless set)` : ''
  for (const q of ['r', 'w'] as const) {
    if (config[q] > n) throw at(where(q), new InvalidConfigError(`must be a whole number from 1 to n=${n}, got ${config[q]}${unsetN}`, q))
  }
  if (config.apiToken !== undefined && config.apiTokenFile !== undefined) {
    throw at(where('apiToken'), new InvalidConfigError('set apiToken or apiTokenFile, not both', 'apiToken'))
  }
  const apiHost = parseHostPort(config.api)?.host ?? ''
  if (!isLoopback(apiHost) && config.apiToken === undefined && config.apiTokenFile === undefined) {
    throw at(where('api'), new InvalidConfigError(`the HTTP API on ${apiHost} (not loopback) would let anyone who reaches it read and write: set apiToken or apiTokenFile in the config to require a bearer token, or listen on 127.0.0.1`, 'api'))
  }
  if (config.memberTimeoutMs <= config.heartbeatMs) {
    throw at(where('memberTimeoutMs'), new InvalidConfigError(`must be more than heartbeatMs=${config.heartbeatMs}, got ${config.memberTimeoutMs}`, 'memberTimeoutMs'))
  }
  if (config.announceMs < config.heartbeatMs) {
    throw at(where('announceMs'), new InvalidConfigError(`must be at least heartbeatMs=${config.heartbeatMs}, got ${config.announceMs}`, 'announceMs'))
  }
  // a hint of a write older than a delete must expire before the delete can be collected (docs/architecture.md, "Deletes")
  const hintMaxAgeMs = (config as unknown as Record<string, unknown>).hintMaxAgeMs
  if (typeof hintMaxAgeMs === 'number' && config.tombstoneGraceMs <= hintMaxAgeMs) {
    throw at(where('tombstoneGraceMs'), new InvalidConfigError(`must be more than hintMaxAgeMs=${hintMaxAgeMs}, got ${config.tombstoneGraceMs}`, 'tombstoneGraceMs'))
  }
  if (config.capacity * config.tokensPerUnit > MAX_TOKENS_PER_MEMBER) {
    throw at(where('capacity'), new InvalidConfigError(`must be at most ${MAX_TOKENS_PER_MEMBER / config.tokensPerUnit} with tokensPerUnit=${config.tokensPerUnit} (${MAX_TOKENS_PER_MEMBER} ring tokens), got ${config.capacity}`, 'capacity'))
  }
  return config
}

/**
 * The node's options for this config (the API, logging and dataDir
 * resolution stay in the daemon). Cluster settings the config left unset are
 * left unset for the node too, so it adopts the cluster's.
 */
export function nodeOptions (config: DaemonConfig & { unset?: readonly AdoptedKey[] }): NodeOptions {
  const { cluster, dataDir, listen, bootstrap, capacity, zone, maxValueBytes, fsync } = config
  const { heartbeatMs, memberTimeoutMs, announceMs, phiThreshold, requestTimeoutMs } = config
  const { tombstoneGraceMs, tombstoneScanMs } = config
  const options: NodeOptions = { cluster, dataDir, listen, bootstrap, capacity, zone, maxValueBytes, fsync, heartbeatMs, memberTimeoutMs, announceMs, phiThreshold, requestTimeoutMs, tombstoneGraceMs, tombstoneScanMs }
  options.antiEntropyIntervalMs = config.antiEntropyIntervalMs
  options.antiEntropyBytesPerSec = config.antiEntropyBytesPerSec
  const { joinWaitMs, transferBatchBytes, dropAfterStableMs, dropRate } = config
  Object.assign(options, { joinWaitMs, transferBatchBytes, dropAfterStableMs, dropRate })
  const { maxHints, hintMaxAgeMs } = config
  Object.assign(options, { maxHints, hintMaxAgeMs, recordCacheBytes: config.recordCacheBytes, storeCacheBytes: config.storeCacheBytes })
  const { breakerFailures, breakerOpenMs } = config
  Object.assign(options, { breakerFailures, breakerOpenMs })
  if (config.otlpEndpoint !== undefined) options.otlpEndpoint = config.otlpEndpoint
  const { relayServer, relayReservation, relayMaxReservations, relayDurationMs, relayDataBytes, autonat, dcutr, upnp, webrtc, iceServers, webrtcRetryMs } = config
  options.reach = { relayServer, relayReservation, relayLimits: { maxReservations: relayMaxReservations, durationMs: relayDurationMs, dataBytes: relayDataBytes }, autonat, dcutr, upnp, webrtc, iceServers, webrtcRetryMs }
  options.bucketRefreshMs = config.bucketRefreshMs
  // browser tabs signal WebRTC to each other through a relaying daemon
  if (config.web) options.reach = { ...options.reach, relayServer: true }
  const { mdns, dht, dhtProtocol } = config
  Object.assign(options, { mdns, dht, dhtProtocol })
  for (const k of ['n', 'r', 'w', 'tokensPerUnit'] as const) if (config.unset?.includes(k) !== true) options[k] = config[k]
  return options
}
