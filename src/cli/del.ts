/**
 * `meshkv del KEY`: a delete is a write of a tombstone, and takes a context
 * like a put; without --context it deletes the values it reads first.
 */
import { write } from './write.js'
import type { CliIo } from './io.js'

export async function del (argv: string[], io: CliIo): Promise<number> {
  return write('DELETE', argv, io)
}
