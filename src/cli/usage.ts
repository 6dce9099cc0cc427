/** Usage text, whole and per verb. */

export const VERBS = ['daemon', 'put', 'get', 'del', 'status', 'leave', 'help'] as const
export type Verb = typeof VERBS[number]

const SYNOPSIS: Record<Verb, string> = {
  daemon: 'meshkv daemon [--config FILE] [--data DIR] [--listen MULTIADDR]... [--api HOST:PORT]\n' +
          '              [--bootstrap MULTIADDR]... [--cluster NAME] [--capacity N] [--no-mdns]',
  put: 'meshkv put KEY [VALUE] [--context CTX] [--w N] [--idempotency-key ID] [--api URL] [--json]   (VALUE from stdin when absent)',
  get: 'meshkv get KEY [--r N] [--api URL] [--json]',
  del: 'meshkv del KEY [--context CTX] [--w N] [--idempotency-key ID] [--api URL] [--json]',
  status: 'meshkv status [--api URL] [--json]',
  leave: 'meshkv leave [--api URL] [--json]   (the daemon hands its keys to their new owners, then stops)',
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
  '--no-mdns': 'do not look for peers of this cluster on the LAN by mDNS (config key mdns)',
  '--api URL': 'the daemon\'s HTTP API (default $MESHKV_API, else http://127.0.0.1:7070)',
  '--json': 'machine-readable output',
  '--context CTX': 'causal context from a get; without one, put is concurrent with what is stored\n' +
    '(a sibling) and del deletes what it reads first',
  '--w N': 'write quorum for this request (1..n)',
  '--idempotency-key ID': 'the write\'s id (default: a new one per command); rerunning a write with\n' +
    'the same id applies it once',
  '--r N': 'read quorum for this request (1..n)'
}

const VERB_OPTIONS: Record<Verb, string[]> = {
  daemon: ['--config FILE', '--data DIR', '--listen MULTIADDR', '--api HOST:PORT', '--bootstrap MULTIADDR', '--cluster NAME', '--capacity N', '--no-mdns'],
  put: ['--context CTX', '--w N', '--idempotency-key ID', '--api URL', '--json'],
  get: ['--r N', '--api URL', '--json'],
  del: ['--context CTX', '--w N', '--idempotency-key ID', '--api URL', '--json'],
  status: ['--api URL', '--json'],
  leave: ['--api URL', '--json'],
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
    '\n\nclient options (put, get, del, status, leave):\n' + options(['--api URL', '--json', '--context CTX', '--w N', '--r N']) +
    `\n\n${EXIT_CODES}\n`
}
