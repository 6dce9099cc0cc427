/**
 * The files a daemon's config names for admission and the API: the cluster
 * key, this peer's certificate, the API token. Read at start; a missing or
 * malformed one stops the start with an error naming the key and the file.
 */
import { readFile, stat } from 'node:fs/promises'
import { InvalidConfigError } from '../errors.js'
import { decodeClusterKey, decodeSignedText } from '../admission/cluster-key.js'
import { token } from './config-keys.js'
import type { PrivateKey } from '@libp2p/interface'
import type { DaemonConfig } from './config-keys.js'

export interface DaemonSecrets {
  clusterKey?: PrivateKey
  certificate?: Uint8Array
  apiToken?: string
  /** things an operator should hear about (a key file others can read) */
  warnings: string[]
}

const MAX_SECRET_FILE_BYTES = 16 * 1024

async function readSmall (file: string, key: string): Promise<string> {
  let text: string
  try {
    if ((await stat(file)).size > MAX_SECRET_FILE_BYTES) throw new InvalidConfigError(`${file} is over ${MAX_SECRET_FILE_BYTES} bytes; is it the right file?`, key)
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (err instanceof InvalidConfigError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new InvalidConfigError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (err as Error).message})`}`, key)
  }
  return text
}

export async function loadSecrets (config: Pick<DaemonConfig, 'clusterKey' | 'cert' | 'apiToken' | 'apiTokenFile'>): Promise<DaemonSecrets> {
  const out: DaemonSecrets = { warnings: [] }
  if (config.clusterKey !== undefined) {
    const text = await readSmall(config.clusterKey, 'clusterKey')
    try {
      out.clusterKey = decodeClusterKey(text, config.clusterKey)
    } catch (err) {
      throw new InvalidConfigError((err as Error).message, 'clusterKey')
    }
    const mode = (await stat(config.clusterKey)).mode
    if ((mode & 0o077) !== 0) out.warnings.push(`cluster key ${config.clusterKey} can be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`)
  }
  if (config.cert !== undefined) {
    try {
      out.certificate = decodeSignedText(await readSmall(config.cert, 'cert'), config.cert)
    } catch (err) {
      throw err instanceof InvalidConfigError ? err : new InvalidConfigError((err as Error).message, 'cert')
    }
  }
  if (config.apiToken !== undefined) out.apiToken = config.apiToken
  if (config.apiTokenFile !== undefined) out.apiToken = token((await readSmall(config.apiTokenFile, 'apiTokenFile')).trim(), 'apiTokenFile')
  return out
}
