/**
 * Lines of a byte stream, each at most `maxLineBytes` (without its "\n"):
 * an export file read from a client is cut into lines without ever holding
 * more than one line and one chunk. A longer line fails with its number.
 */
import { MAX_RECORD_BYTES } from '../constants.js'
import { PayloadTooLargeError } from '../errors.js'

/** the longest line of an export: a record's base64 JSON is about 4/3 of its encoding, plus field names */
export const MAX_EXPORT_LINE_CHARS = Math.ceil(MAX_RECORD_BYTES * 1.5) + 64 * 1024

export interface Line { number: number, text: string }

export async function * lines (chunks: AsyncIterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: false })
  let parts: string[] = []
  let size = 0
  let number = 0
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      const piece = text.slice(0, nl)
      text = text.slice(nl + 1)
      number++
      if (size + piece.length > maxLineBytes) throw tooLong(number, maxLineBytes)
      parts.push(piece)
      yield { number, text: parts.join('') }
      parts = []
      size = 0
    }
    size += text.length
    if (size > maxLineBytes) throw tooLong(number + 1, maxLineBytes)
    if (text.length > 0) parts.push(text)
  }
  const rest = parts.join('') + decoder.decode()
  if (rest.length > 0) {
    if (rest.length > maxLineBytes) throw tooLong(number + 1, maxLineBytes)
    yield { number: number + 1, text: rest }
  }
}

function tooLong (line: number, max: number): PayloadTooLargeError {
  const err = new PayloadTooLargeError(max + 1, max)
  err.message = `a line longer than ${max} characters (line ${line})`
  return err
}
