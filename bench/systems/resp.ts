/** A minimal RESP2 client connection: commands are pipelined, replies come back in order. */
import { connect } from 'node:net'
import type { Socket } from 'node:net'

type Reply = string | number | Buffer | null | Reply[]

interface Waiter { resolve: (r: Reply) => void, reject: (e: Error) => void, timer: ReturnType<typeof setTimeout> }

/** Replies larger than this close the connection (the bench never reads such values). */
const MAX_BUFFER = 64 * 1024 * 1024

export class RespConnection {
  private buf: Buffer = Buffer.alloc(0)
  private readonly waiting: Waiter[] = []
  private failed?: Error

  private constructor (private readonly socket: Socket, private readonly timeoutMs: number) {
    socket.setNoDelay(true)
    socket.on('data', (d: Buffer) => { this.onData(d) })
    socket.on('error', err => { this.fail(err) })
    socket.on('close', () => { this.fail(new Error('redis connection closed')) })
  }

  static async open (host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host)
      s.once('connect', () => { resolve(new RespConnection(s, timeoutMs)) })
      s.once('error', reject)
    })
  }

  async command (args: Array<string | Uint8Array>): Promise<Reply> {
    if (this.failed !== undefined) throw this.failed
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)]
    for (const a of args) {
      const b = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a.buffer, a.byteOffset, a.byteLength)
      parts.push(Buffer.from(`$${b.byteLength}\r\n`), b, Buffer.from('\r\n'))
    }
    return new Promise<Reply>((resolve, reject) => {
      // a reply that never comes fails the whole connection: later replies would be mismatched
      const timer = setTimeout(() => { this.fail(new Error(`redis: no reply within ${this.timeoutMs} ms`)) }, this.timeoutMs)
      this.waiting.push({ resolve, reject, timer })
      this.socket.write(Buffer.concat(parts))
    })
  }

  close (): void {
    this.socket.destroy()
  }

  private fail (err: Error): void {
    this.failed ??= err
    for (const w of this.waiting.splice(0)) { clearTimeout(w.timer); w.reject(err) }
    this.socket.destroy()
  }

  private onData (d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d])
    if (this.buf.length > MAX_BUFFER) { this.fail(new Error('redis reply too large')); return }
    for (;;) {
      let parsed: Parsed | undefined
      try {
        parsed = parse(this.buf, 0)
      } catch (err) {
        this.fail(err as Error)
        return
      }
      if (parsed === undefined) return
      this.buf = this.buf.subarray(parsed.end)
      const w = this.waiting.shift()
      if (w === undefined) { this.fail(new Error('redis reply without a request')); return }
      clearTimeout(w.timer)
      if (parsed.error !== undefined) w.reject(new Error(`redis: ${parsed.error}`))
      else w.resolve(parsed.value)
    }
  }
}

interface Parsed { value: Reply, end: number, error?: string }

function parse (b: Buffer, at: number): Parsed | undefined {
  const eol = b.indexOf('\r\n', at)
  if (eol < 0) return undefined
  const line = b.toString('utf8', at + 1, eol)
  switch (b[at]) {
    case 0x2b: return { value: line, end: eol + 2 } // +
    case 0x2d: return { value: null, end: eol + 2, error: line } // -
    case 0x3a: return { value: Number(line), end: eol + 2 } // :
    case 0x24: { // $
      const len = Number(line)
      if (len < 0) return { value: null, end: eol + 2 }
      if (b.length < eol + 2 + len + 2) return undefined
      return { value: b.subarray(eol + 2, eol + 2 + len), end: eol + 2 + len + 2 }
    }
    case 0x2a: { // *
      const n = Number(line)
      if (n < 0) return { value: null, end: eol + 2 }
      const items: Reply[] = []
      let pos = eol + 2
      for (let i = 0; i < n; i++) {
        const item = parse(b, pos)
        if (item === undefined) return undefined
        items.push(item.value)
        pos = item.end
      }
      return { value: items, end: pos }
    }
    default: throw new Error(`redis: bad reply byte ${b[at]}`)
  }
}
