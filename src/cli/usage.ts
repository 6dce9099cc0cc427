/** Usage text, whole and per verb. */

export const VERBS = ['daemon', 'put', 'get', 'del', 'status', 'leave', 'members', 'ring', 'bucket', 'export', 'import', 'cluster', 'id', 'help'] as const
export type Verb = typeof VERBS[number]

const SYNOPSIS: Record<Verb, string> = {
  daemon: 'meshkv daemon [--config FILE] [--data DIR] [--listen MULTIADDR]... [--api HOST:PORT]\n' +
          '              [--bootstrap MULTIADDR]... [--cluster NAME] [--capacity N] [--web] [--no-mdns]\n' +
          '              [--cluster-key FILE | --cert CERT]',
  put: 'meshkv put KEY [VALUE] [--context CTX] [--w N] [--idempotency-key ID] [--api URL] [--json] [--bucket NAME]\n' +
       '           (VALUE from stdin when absent)',
  get: 'meshkv get KEY [--r N] [--api URL] [--json] [--bucket NAME]',
  del: 'meshkv del KEY [--context CTX] [--w N] [--idempotency-key ID] [--api URL] [--json] [--bucket NAME]',
  status: 'meshkv status [--api URL] [--json]',
  leave: 'meshkv leave [--api URL] [--json]   (the daemon hands its keys to their new owners, then stops)',
  members: 'meshkv members [--api URL] [--json]   (every member: state, phi, share, keys, hints)',
  ring: 'meshkv ring [--arcs] [--api URL] [--json]   (each peer\'s tokens and share of the ring)',
  cluster: 'meshkv cluster init --key FILE\n' +
           '       meshkv cluster invite PEER_ID --key FILE --out CERT [--expires DURATION] [--cluster NAME]\n' +
           '       meshkv cluster revoke PEER_ID --key FILE [--api URL] [--json]',
  id: 'meshkv id --data DIR   (the peer id of that data dir; creates its identity if it has none)',
  export: 'meshkv export [--out FILE] [--api URL] [--json]   (every key of the cluster as JSON lines; stdout without --out)',
  import: 'meshkv import [FILE] [--api URL] [--json]   (load an export, merged with what is stored; stdin without FILE)',
  bucket: 'meshkv bucket create NAME [--n N --r R --w W] [--max-keys K] [--max-bytes B] [--api URL] [--json]\n' +
          'meshkv bucket list [--api URL] [--json]\n' +
          'meshkv bucket show NAME [--api URL] [--json]',
  help: 'meshkv help [COMMAND]'
}

const OPTIONS: Record<string, string> = {
  '--config FILE': 'JSON config file (configs/*.json); flags override its keys',
  '--data DIR': 'data directory (LevelDB and the peer identity)',
  '--listen MULTIADDR': 'libp2p listen address; repeat for several (replaces the config\'s list)',
  '--api HOST:PORT': 'address of the HTTP API to serve (default 127.0.0.1:7070)',
  '--bootstrap MULTIADDR': 'a peer to join through, /p2p/<id> optional; repeat for several (replaces the config\'s list)',
  '--cluster NAME': 'cluster name',
  '--capacity N': 'relative capacity of this peer (ring share)',
  '--web': 'serve the browser demo page at /app and relay for browser tabs (WebRTC signalling)',
  '--no-mdns': 'do not look for peers of this cluster on the LAN by mDNS (config key mdns)',
  '--api URL': 'the daemon\'s HTTP API (default $MESHKV_API, else http://127.0.0.1:7070)',
  '--json': 'machine-readable output',
  '--context CTX': 'causal context from a get; without one, put is concurrent with what is stored\n' +
    '(a sibling) and del deletes what it reads first',
  '--w N': 'write quorum for this request (1..n)',
  '--idempotency-key ID': 'the write\'s id (default: a new one per command); rerunning a write with\n' +
    'the same id applies it once',
  '--r N': 'read quorum for this request (1..n)',
  '--arcs': 'also list every arc of the ring with its preference list',
  '--cluster-key FILE': 'close the cluster: this peer holds the cluster key and certifies itself',
  '--cert CERT': 'close the cluster: this peer\'s membership certificate (meshkv cluster invite)',
  '--key FILE': 'the cluster key file (meshkv cluster init makes it, mode 600, never overwritten)',
  '--out CERT': 'where invite writes the certificate',
  '--expires DURATION': 'the certificate expires after this long: 90d, 12h, 1y, 1d12h (default never)',
  '--cluster NAME ': 'the cluster name the certificate is for (default: any name)',
  '--data DIR ': 'the data dir whose peer id to print',
  '--api-token TOKEN': 'bearer token of the daemon\'s API (its apiToken); or --api-token-file FILE,\n' +
    'or $MESHKV_API_TOKEN',
  '--out FILE': 'write the export to FILE (through FILE.partial, renamed when whole)',

  '--bucket NAME': 'the key\'s bucket (default: the default bucket); it must have been created',
  '--n N': 'bucket create: replicas of each key (1..the cluster\'s n; default the cluster\'s)',
  '--r R': 'bucket create: read quorum of its keys (1..n)',
  '--w W': 'bucket create: write quorum of its keys (1..n)',
  '--max-keys K': 'bucket create: most live keys; writes past it are refused (ERR_QUOTA)',
  '--max-bytes B': 'bucket create: most bytes of live values; writes past it are refused (ERR_QUOTA)'
}

const VERB_OPTIONS: Record<Verb, string[]> = {
  daemon: ['--config FILE', '--data DIR', '--listen MULTIADDR', '--api HOST:PORT', '--bootstrap MULTIADDR', '--cluster NAME', '--capacity N', '--cluster-key FILE', '--cert CERT', '--web', '--no-mdns'],
  put: ['--bucket NAME', '--context CTX', '--w N', '--idempotency-key ID', '--api URL', '--api-token TOKEN', '--json'],
  get: ['--bucket NAME', '--r N', '--api URL', '--api-token TOKEN', '--json'],
  del: ['--bucket NAME', '--context CTX', '--w N', '--idempotency-key ID', '--api URL', '--api-token TOKEN', '--json'],
  status: ['--api URL', '--api-token TOKEN', '--json'],
  leave: ['--api URL', '--api-token TOKEN', '--json'],
  members: ['--api URL', '--api-token TOKEN', '--json'],
  ring: ['--arcs', '--api URL', '--api-token TOKEN', '--json'],
  cluster: ['--key FILE', '--out CERT', '--expires DURATION', '--cluster NAME ', '--api URL', '--api-token TOKEN', '--json'],
  id: ['--data DIR '],
  export: ['--out FILE', '--api URL', '--api-token TOKEN', '--json'],
  import: ['--api URL', '--api-token TOKEN', '--json'],
  bucket: ['--n N', '--r R', '--w W', '--max-keys K', '--max-bytes B', '--api URL', '--api-token TOKEN', '--json'],
  help: []
}

const EXIT_CODES = 'exit codes: 0 ok, 1 not found, 2 usage error, 3 daemon unreachable,\n' +
  '            4 cluster refused (quorum not met, timeout), 5 other error'

function options (names: string[]): string {
  const width = Math.max(...names.map(n => n.length))
  return names.map(n => `  ${n.padEnd(width)}  ${OPTIONS[n].replace(/\n/g, `\n${' '.repeat(width + 4)}`)}`).join('\n')
}

export function verbUsage (verb: Verb): string {
  const opts = VERB_OPTIONS[verb]
  return `usage: ${SYNOPSIS[verb]}\n${opts.length > 0 ? `\n${options(opts)}\n` : ''}`
}

export function usage (): string {
  return 'meshkv: a Dynamo-style peer-to-peer key-value store\n\nusage:\n' +
    VERBS.map(v => `  ${SYNOPSIS[v].replace(/\n/g, '\n  ')}`).join('\n') +
    '\n\ndaemon options:\n' + options(VERB_OPTIONS.daemon) +
    '\n\nclient options (put, get, del, status, leave, members, ring, bucket, export, import):\n' + options(['--api URL', '--api-token TOKEN', '--json', '--bucket NAME', '--context CTX', '--w N', '--r N', '--out FILE']) +
    '\n\ncluster admission (cluster, id):\n' + options(['--key FILE', '--out CERT', '--expires DURATION', '--cluster NAME ', '--data DIR ']) +
    `\n\n${EXIT_CODES}\n`
}
