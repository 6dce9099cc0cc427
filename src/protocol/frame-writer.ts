/**
 * Coalesces the frames made ready on a stream within one turn of the event
 * loop into one `send()`. Each `send()` on a libp2p stream is one yamux
 * frame, one noise message (encrypt, tag) and one socket write, whatever
 * its size: under load, the replies a LevelDB batch releases together (or
 * the requests that HTTP requests read in the same poll start) went out as
 * dozens of tiny writes. Frames leave in the order they were queued, in one
 * contiguous buffer (length prefixes and messages copied once), on the
 * event loop's check phase (setImmediate; src/next-turn.ts), so a frame waits at most for the
 * I/O callbacks of the current turn; past `maxPendingBytes` queued it goes
 * out at once.
 */
import * as varint from 'uint8-varint'
import { nextTurn } from '../next-turn.js'
import type { Stream } from '@libp2p/interface'

/** Frames queued past this many bytes are sent at once rather than at the end of the turn. */
export const MAX_COALESCED_BYTES = 256 * 1024

export class FrameWriter {
  private frames: Uint8Array[] = []
  private bytes = 0
  private scheduled = false

  constructor (
    private readonly stream: Pick<Stream, 'send' | 'status' | 'writeStatus'>,
    private readonly maxPendingBytes: number = MAX_COALESCED_BYTES
  ) {}

  /** bytes queued and not yet handed to the stream */
  get pendingBytes (): number {
    return this.bytes
  }

  /** Queue one length-prefixed frame holding `message`. */
  write (message: Uint8Array): void {
    this.frames.push(message)
    this.bytes += varint.encodingLength(message.byteLength) + message.byteLength
    if (this.bytes >= this.maxPendingBytes) {
      this.flush()
      return
    }
    if (!this.scheduled) {
      this.scheduled = true
      nextTurn(this.flushScheduled)
    }
  }

  /** Hand everything queued to the stream now, as one buffer; dropped when the stream can no longer be written. */
  flush (): void {
    if (this.frames.length === 0) return
    const frames = this.frames
    const total = this.bytes
    this.frames = []
    this.bytes = 0
    if (this.stream.status !== 'open' || this.stream.writeStatus !== 'writable') return
    const out = new Uint8Array(total)
    let at = 0
    for (const f of frames) {
      varint.encodeUint8Array(f.byteLength, out, at)
      at += varint.encodingLength(f.byteLength)
      out.set(f, at)
      at += f.byteLength
    }
    this.stream.send(out)
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false
    this.flush()
  }
}
