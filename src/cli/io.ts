/**
 * What every verb shares: its streams (injectable, so tests run verbs
 * in-process), the exit codes, and the one error type that carries one.
 */

/** Exit codes; scripts rely on them. */
export const EXIT = {
  OK: 0,
  NOT_FOUND: 1,
  /** wrong or unknown arguments, a missing KEY, a bad number */
  USAGE: 2,
  /** nothing answered at the API URL */
  UNREACHABLE: 3,
  /** the cluster refused: quorum not met, timeout */
  REFUSED: 4,
  FAILED: 5
} as const

export interface CliIo {
  stdout: { write: (chunk: string | Uint8Array) => unknown }
  /** isTTY: progress bars are drawn only on a terminal */
  stderr: { write: (chunk: string) => unknown, isTTY?: boolean }
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean }
  env: Record<string, string | undefined>
}

export function processIo (): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }
}

/** A verb's failure: what to say on stderr and the exit code that goes with it. */
export class CliError extends Error {
  override name = 'CliError'
  constructor (readonly exitCode: number, message: string) {
    super(message)
  }
}

/** Wrong arguments: the message, then the verb's usage. */
export class UsageError extends CliError {
  override name = 'UsageError'
  constructor (message: string) {
    super(EXIT.USAGE, message)
  }
}

/** Read all of stdin, refusing more than `limit` bytes (without holding more than that). */
export async function readStdin (io: CliIo, limit: number): Promise<Uint8Array> {
  if (io.stdin.isTTY === true) io.stderr.write('reading the value from stdin; end it with Ctrl-D\n')
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    size += bytes.byteLength
    if (size > limit) throw new UsageError(`the value on stdin is over ${limit} bytes, more than any peer accepts`)
    chunks.push(bytes)
  }
  return Buffer.concat(chunks, size)
}
