/**
 * `meshkv id --data DIR`: the peer id of a data dir, creating its identity
 * when it has none, with the very code the daemon loads it with. This is
 * what `meshkv cluster invite` needs before a new peer's first start.
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreateIdentity } from '../store/identity.js'
import { RecordStore } from '../store/record-store.js'
import { DEFAULT_MAX_VALUE_BYTES } from '../constants.js'
import { parse, positionals } from './args.js'
import { CliError, EXIT, UsageError } from './io.js'
import type { CliIo } from './io.js'

export async function peerIdOfDataDir (dir: string): Promise<string> {
  const store = new RecordStore({ path: dir, limits: { maxValueBytes: DEFAULT_MAX_VALUE_BYTES } })
  try {
    await store.open()
  } catch (err) {
    const text = `${String((err as { code?: string }).code ?? '')} ${String((err as { cause?: { code?: string } }).cause?.code ?? '')} ${(err as Error).message}`
    if (/LEVEL_LOCKED|lock/i.test(text)) throw new CliError(EXIT.FAILED, `data dir ${dir} is in use by a running daemon: ask it instead (meshkv status shows its peer id)`)
    throw new CliError(EXIT.FAILED, `cannot open data dir ${dir}: ${(err as Error).message}`)
  }
  try {
    return peerIdFromPrivateKey(await loadOrCreateIdentity(store.raw)).toString()
  } finally {
    await store.close()
  }
}

export async function id (argv: string[], io: CliIo): Promise<number> {
  const parsed = parse(argv, { data: { type: 'string' } })
  positionals(parsed, [])
  const dir = parsed.values.data
  if (typeof dir !== 'string' || dir === '') throw new UsageError('--data DIR is required')
  io.stdout.write(`${await peerIdOfDataDir(dir)}\n`)
  return EXIT.OK
}
