/**
 * `meshkv daemon`: one peer with its HTTP API, its logs, and a clean stop on
 * SIGINT/SIGTERM (HTTP first, then the node, which closes LevelDB).
 */
import { createNode } from '../node.js'
import { nodeOptions } from './config.js'
import { parseHostPort } from './config-keys.js'
import { startHttpApi } from './http-api.js'
import { createLog } from './log.js'
import { libp2pPrometheus } from './prometheus.js'
import { watchMembers } from './members-log.js'
import { loadSecrets } from './secrets.js'
import type { DaemonConfig } from './config.js'
import type { HttpApi } from './http-api.js'
import type { Log } from './log.js'
import type { MeshNode } from '../node.js'

export interface RunningDaemon {
  node: MeshNode
  api: HttpApi
  stop: () => Promise<void>
  /** leave the cluster (push this peer's keys to their new owners), then stop the node */
  leave: () => Promise<void>
  /** settles once a leave (POST /leave or a SIGTERM) is over and the node stopped */
  left: Promise<void>
}

/** Exit codes of the daemon: 0 after a clean stop, 1 when forced by a second signal, 5 on failure. */
export const EXIT_FORCED = 1
export const EXIT_FAILED = 5

function replication (config: DaemonConfig): string {
  const { n, r, w } = config
  if (n === 1 && config.bootstrap.length === 0) return 'single-peer mode: n=r=w=1, no replication; every key is stored on this peer only'
  if (n === 1) return 'n=1: no replication; each key is stored on one peer only'
  return `replication: each key on n=${n} peers, reads wait for r=${r}, writes for w=${w}`
}

/** Start the node and its API, and log who this peer is. */
export async function startDaemon (config: DaemonConfig, log: Log): Promise<RunningDaemon> {
  const secrets = await loadSecrets(config)
  for (const w of secrets.warnings) log.warn(w)
  const libp2pMetrics = libp2pPrometheus()
  const node = await createNode({ ...nodeOptions(config), clusterKey: secrets.clusterKey, certificate: secrets.certificate, requestLog: log, libp2pMetrics: libp2pMetrics.metrics })
  let api: HttpApi
  let leaving: Promise<void> | undefined
  let onLeft: () => void = () => {}
  const left = new Promise<void>(resolve => { onLeft = resolve })
  const leave = async (): Promise<void> => {
    leaving ??= (async () => {
      log.info('leaving: pushing this peer\'s keys to their new owners')
      try {
        await node.leave()
        const t = node.status().transfer?.leave
        log.info('left the cluster', { pushed: t?.pushed, failed: t?.failed })
      } finally {
        onLeft()
      }
    })()
    await leaving
  }
  try {
    const { host, port } = parseHostPort(config.api) ?? { host: '127.0.0.1', port: 7070 }
    const { maxInflight, clientRatePerSec, clientBurst, inflightTargetMs } = config
    api = await startHttpApi({ node, host, port, log, leave, token: secrets.apiToken, protection: { maxInflight, clientRatePerSec, clientBurst, targetLatencyMs: inflightTargetMs }, libp2pMetrics, web: config.web })
  } catch (err) {
    await node.stop().catch(() => {})
    throw err
  }
  const unwatchMembers = watchMembers(node, log)
  // range transfer milestones (join, leave): the progress an operator follows
  const onTransfer = (evt: Event): void => {
    const { message, ...fields } = (evt as CustomEvent<{ message: string }>).detail
    log.info(message, fields)
  }
  node.addEventListener('transfer', onTransfer)
  const unwatch = (): void => { unwatchMembers(); node.removeEventListener('transfer', onTransfer) }
  const { n, r, w } = node.quorums
  log.info('started', {
    peerId: node.peerId,
    cluster: node.cluster,
    multiaddrs: node.status().multiaddrs.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${node.peerId}`),
    api: api.url,
    dataDir: config.dataDir,
    quorums: { n, r, w },
    mode: replication(config)
  })
  const admission = node.admissionStatus()
  if (admission?.mode === 'closed') {
    log.info('closed cluster: only peers with a certificate signed by the cluster key are members', { clusterKey: admission.clusterKey, certExpires: admission.certExpires ?? 'never', revocations: admission.revocations })
  } else {
    log.warn('open cluster: any peer that reaches this one and knows the cluster name can join, read and write; close it with --cluster-key or --cert (meshkv cluster init)')
  }
  if (r + w <= n) log.warn('r + w <= n: a read may miss the latest acknowledged write', { n, r, w })
  if (n > 1 && config.bootstrap.length === 0) {
    log.warn(`n=${n} with no bootstrap peers: writes need w=${w} peers up and fail with QuorumNotMet until others join; for a lone peer use configs/single.json (n=r=w=1)`, { n, r, w })
  }
  if (config.bootstrap.length > 0) log.info('joining through bootstrap peers', { bootstrap: config.bootstrap })
  if (config.web) {
    const ws = node.multiaddrs().filter(a => /\/wss?(\/|$)/.test(a))
    if (ws.length === 0) log.warn('web: no WebSocket listen address, so browser tabs cannot reach this peer; add one, e.g. --listen /ip4/127.0.0.1/tcp/7102/ws')
    else log.info('browser demo page', { url: `${api.url}/app`, websockets: ws })
  }
  log.info('discovery', { mdns: config.mdns, dht: config.dht ? config.dhtProtocol : false, remembered: node.status().discovery?.remembered ?? 0 })
  return {
    node,
    api,
    leave,
    left,
    async stop () {
      unwatch()
      await api.close()
      await node.stop()
    }
  }
}

/** The codes and messages of an error and its causes, for matching. */
function chain (err: unknown): string {
  const parts: string[] = []
  for (let e = err, depth = 0; e != null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String((e as { code?: unknown }).code ?? ''), String((e as Error).message ?? e))
  }
  return parts.join(' ')
}

/** Why a start failed, in words an operator can act on. */
function startHint (err: unknown, config: DaemonConfig): string | undefined {
  const text = chain(err)
  if (/EADDRINUSE/.test(text)) return `an address is already in use (api ${config.api}, listen ${config.listen.join(' ')}): pick others with --api/--listen`
  if (/LEVEL_LOCKED|\block\b/i.test(text)) return `data dir ${config.dataDir} is in use by another process (another daemon?): use --data`
  return undefined
}

export interface RunOptions {
  log?: Log
  /** called once the daemon is serving (the CLI draws a joining peer's progress from it) */
  onStarted?: (node: MeshNode) => void
}

/**
 * Run until SIGINT/SIGTERM; resolves with the exit code. The first signal
 * stops cleanly; a second one exits at once, for a stop that hangs.
 */
export async function runDaemon (config: DaemonConfig, options: RunOptions = {}): Promise<number> {
  const log = options.log ?? createLog(config.logLevel)
  // a bug in a background task is logged, not allowed to take the peer down with it
  process.on('unhandledRejection', err => { log.error('unhandled rejection', { err }) })
  let running: RunningDaemon
  try {
    running = await startDaemon(config, log)
  } catch (err) {
    log.error('failed to start', { err, hint: startHint(err, config) })
    return EXIT_FAILED
  }
  options.onStarted?.(running.node)
  return new Promise<number>(resolve => {
    let stopping = false
    const stop = (): void => {
      running.stop().then(() => {
        log.info('stopped')
        resolve(0)
      }, err => {
        log.error('stop failed', { err })
        resolve(EXIT_FAILED)
      })
    }
    // after POST /leave the daemon has nothing left to serve
    void running.left.then(() => {
      if (stopping) return
      stopping = true
      stop()
    })
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn('second signal: exiting without a clean stop', { signal })
        process.exit(EXIT_FORCED)
      }
      stopping = true
      log.info('stopping', { signal })
      // SIGTERM: hand this peer's keys over first (bounded); SIGINT stops at once
      if (signal === 'SIGTERM') running.leave().catch(err => { log.warn('leave failed, stopping anyway', { err }) }).finally(stop)
      else stop()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
