/**
 * The CLI: `meshkv <verb> ...`. Each verb lives in its own file and is loaded
 * only when used, so `meshkv get` does not pay for libp2p. Returns the exit
 * code rather than exiting, so tests run it in-process.
 */
import '../shim.js'
import { InvalidConfigError } from '../errors.js'
import { suggestion } from '../daemon/suggest.js'
import { CliError, EXIT, processIo, UsageError } from './io.js'
import { usage, verbUsage, VERBS } from './usage.js'
import { takeApiToken } from './api-token.js'
import type { CliIo } from './io.js'
import type { Verb } from './usage.js'

type Run = (argv: string[], io: CliIo) => Promise<number>

const VERB_RUNS: Record<Exclude<Verb, 'help'>, () => Promise<Run>> = {
  daemon: async () => (await import('./daemon.js')).daemon,
  put: async () => (await import('./put.js')).put,
  get: async () => (await import('./get.js')).get,
  del: async () => (await import('./del.js')).del,
  status: async () => (await import('./status.js')).status,
  leave: async () => (await import('./leave.js')).leave,
  members: async () => (await import('./members.js')).members,
  ring: async () => (await import('./ring.js')).ring,
  cluster: async () => (await import('./cluster.js')).cluster,
  id: async () => (await import('./id.js')).id,
  export: async () => (await import('./export.js')).exportVerb,
  import: async () => (await import('./import.js')).importVerb,
  bucket: async () => (await import('./bucket.js')).bucket
}

function isVerb (s: string | undefined): s is Verb {
  return VERBS.includes(s as Verb)
}

/** `--help` anywhere before a `--` terminator. */
function asksHelp (argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some(a => a === '--help' || a === '-h')
}

export async function main (argv: string[], io: CliIo = processIo()): Promise<number> {
  const [verb, ...rest] = argv
  if (verb === undefined) {
    io.stderr.write(usage())
    return EXIT.USAGE
  }
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    const topic = rest[0]
    io.stdout.write(isVerb(topic) && topic !== 'help' ? verbUsage(topic) : usage())
    return EXIT.OK
  }
  if (!isVerb(verb)) {
    io.stderr.write(`meshkv: unknown command "${verb}"${suggestion(verb, VERBS)}\n\n${usage()}`)
    return EXIT.USAGE
  }
  if (asksHelp(rest)) {
    io.stdout.write(verbUsage(verb))
    return EXIT.OK
  }
  try {
    // the daemon's own token is a config key (apiToken, apiTokenFile), not a client option
    const args = verb === 'daemon' ? rest : takeApiToken(rest, io)
    return await (await VERB_RUNS[verb as Exclude<Verb, 'help'>]())(args, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`meshkv ${verb}: ${err.message}\n\n${verbUsage(verb)}`)
      return EXIT.USAGE
    }
    if (err instanceof CliError) {
      io.stderr.write(`meshkv ${verb}: ${err.message}\n`)
      return err.exitCode
    }
    if (err instanceof InvalidConfigError) {
      io.stderr.write(`meshkv ${verb}: ${err.message}\n`)
      return EXIT.USAGE
    }
    io.stderr.write(`meshkv ${verb}: ${(err as Error)?.message ?? String(err)}\n`)
    return EXIT.FAILED
  }
}
