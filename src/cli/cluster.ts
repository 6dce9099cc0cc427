/**
 * `meshkv cluster init|invite|revoke`: the cluster key and what it signs.
 * init makes the key (a file only its owner reads, never overwritten);
 * invite signs a membership certificate for a peer id (`meshkv id`);
 * revoke signs a revocation and hands it to a running daemon, which keeps
 * it and spreads it to every member.
 */
import { readFile, stat, writeFile } from 'node:fs/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { clusterKeyId, decodeClusterKey, encodeClusterKey, encodeSignedText, newClusterKey } from '../admission/cluster-key.js'
import { issueCertificate } from '../admission/certificate.js'
import { issueRevocation } from '../admission/revocation.js'
import { parseDuration } from '../admission/duration.js'
import { authHeaders } from './api-token.js'
import { apiUrl, parse, positionals } from './args.js'
import { call, failure, json } from './client.js'
import { CliError, EXIT, UsageError } from './io.js'
import type { PrivateKey } from '@libp2p/interface'
import type { CliIo } from './io.js'

async function readKey (file: unknown): Promise<PrivateKey> {
  if (typeof file !== 'string' || file === '') throw new UsageError('--key FILE is required (make one with `meshkv cluster init --key FILE`)')
  let text: string
  try {
    if ((await stat(file)).size > 16 * 1024) throw new CliError(EXIT.FAILED, `${file} is not a cluster key (too large)`)
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(EXIT.FAILED, `cannot read cluster key ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
  }
  try {
    return decodeClusterKey(text, file)
  } catch (err) {
    throw new CliError(EXIT.FAILED, (err as Error).message)
  }
}

function peerArg (raw: string): string {
  try {
    return peerIdFromString(raw).toString()
  } catch {
    throw new UsageError(`"${raw.slice(0, 80)}" is not a peer id (get it with \`meshkv id --data DIR\` or from \`meshkv status\`)`)
  }
}

async function init (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { key: { type: 'string' } })
  positionals(parsed, [])
  const file = parsed.values.key
  if (typeof file !== 'string' || file === '') throw new UsageError('--key FILE is required')
  const key = await newClusterKey()
  try {
    // 'wx': never replace a key: every certificate it signed would be orphaned
    await writeFile(file, encodeClusterKey(key), { flag: 'wx', mode: 0o600 })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new CliError(EXIT.FAILED, `${file} already exists; refusing to overwrite a cluster key (every certificate it signed would stop working). Move it away or pick another path.`)
    throw new CliError(EXIT.FAILED, `cannot write ${file}: ${code ?? (err as Error).message}`)
  }
  io.stdout.write(`cluster key ${clusterKeyId(key.publicKey)} written to ${file} (mode 600; keep it secret)\n`)
  return EXIT.OK
}

async function invite (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { key: { type: 'string' }, out: { type: 'string' }, expires: { type: 'string' }, cluster: { type: 'string' } })
  const [raw] = positionals(parsed, ['PEER_ID'])
  const peer = peerArg(raw)
  const out = parsed.values.out
  if (typeof out !== 'string' || out === '') throw new UsageError('--out CERT is required')
  let validForMs: number | undefined
  if (typeof parsed.values.expires === 'string') {
    try {
      validForMs = parseDuration(parsed.values.expires)
    } catch (err) {
      throw new UsageError(`--expires: ${(err as Error).message}`)
    }
  }
  const cluster = typeof parsed.values.cluster === 'string' ? parsed.values.cluster : undefined
  const key = await readKey(parsed.values.key)
  const cert = await issueCertificate(key, { peer, cluster, validForMs })
  try {
    await writeFile(out, encodeSignedText(cert), { mode: 0o644 })
  } catch (err) {
    throw new CliError(EXIT.FAILED, `cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const until = validForMs === undefined ? 'never expires' : `expires ${new Date(Date.now() + validForMs).toISOString()}`
  io.stdout.write(`certificate for ${peer} (cluster key ${clusterKeyId(key.publicKey)}${cluster !== undefined ? `, cluster ${cluster}` : ''}, ${until}) written to ${out}; start that peer with --cert ${out}\n`)
  return EXIT.OK
}

async function revoke (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { key: { type: 'string' }, api: { type: 'string' }, json: { type: 'boolean' } })
  const [raw] = positionals(parsed, ['PEER_ID'])
  const peer = peerArg(raw)
  const key = await readKey(parsed.values.key)
  const api = apiUrl(parsed.values.api, io)
  const revocation = await issueRevocation(key, peer)
  const reply = await call(api, '/admission/revocations', { method: 'POST', headers: { 'content-type': 'text/plain', ...authHeaders() }, body: new TextEncoder().encode(encodeSignedText(revocation)) })
  const body = reply.status === 200 ? json<{ peer: string, added: boolean }>(reply) : undefined
  if (body === undefined) throw failure(api, reply)
  io.stdout.write(parsed.values.json === true ? reply.body : `${body.peer} ${body.added ? 'revoked' : 'was already revoked'}; the daemon at ${api} spreads it to every member\n`)
  return EXIT.OK
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = { init, invite, revoke }

export async function cluster (argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv
  const run = sub === undefined ? undefined : SUBCOMMANDS[sub]
  if (run === undefined) throw new UsageError(sub === undefined ? 'missing a subcommand: init, invite or revoke' : `unknown subcommand "${sub}": init, invite or revoke`)
  return run(rest, io)
}
