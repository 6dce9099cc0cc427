/** `meshkv put KEY [VALUE]`: VALUE as UTF-8, or stdin's bytes when absent. */
import { write } from './write.js'
import type { CliIo } from './io.js'

export async function put (argv: string[], io: CliIo): Promise<number> {
  return write('PUT', argv, io)
}
