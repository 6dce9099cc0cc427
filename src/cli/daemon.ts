/** `meshkv daemon`: the config file, flags over it, then a peer until a signal. */
import { resolveConfig } from '../daemon/config.js'
import { showJoinProgress } from './join-progress.js'
import { runDaemon } from '../daemon/daemon.js'
import { parse, positionals } from './args.js'
import type { CliIo } from './io.js'

const DAEMON_OPTIONS = {
  config: { type: 'string' as const },
  data: { type: 'string' as const },
  listen: { type: 'string' as const, multiple: true },
  api: { type: 'string' as const },
  bootstrap: { type: 'string' as const, multiple: true },
  cluster: { type: 'string' as const },
  capacity: { type: 'string' as const },
  'cluster-key': { type: 'string' as const },
  cert: { type: 'string' as const },
  web: { type: 'boolean' as const },
  'no-mdns': { type: 'boolean' as const }
}

export async function daemon (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, DAEMON_OPTIONS)
  positionals(parsed, [])
  const v = parsed.values as Record<string, string | undefined> & { listen?: string[], bootstrap?: string[], web?: boolean, 'no-mdns'?: boolean }
  // an InvalidConfigError reaches main, which reports it as a usage error (exit 2)
  const config = await resolveConfig({
    file: v.config,
    flags: { data: v.data, listen: v.listen, api: v.api, bootstrap: v.bootstrap, cluster: v.cluster, capacity: v.capacity, 'cluster-key': v['cluster-key'], cert: v.cert, web: v.web, mdns: v['no-mdns'] === true ? false : undefined }
  })
  return runDaemon(config, { onStarted: node => { showJoinProgress(node, io) } })
}
