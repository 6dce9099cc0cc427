/**
 * The floor's wire: meshkv's framing (varint length prefix on one
 * long-lived stream) with the smallest possible message, id (u32), type
 * (u8), payload. Kept here rather than reusing src/protocol's messages so
 * the floor measures the stack, not a message schema that keeps changing.
 * FloorChannel pipelines like src/protocol/peer-channel.ts: requests carry
 * ids, replies settle them by id, in any order.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

export const FLOOR_PROTOCOL = '/meshkv-bench/floor/1.0.0'
export const GET = 1
export const PUT = 2
const MAX_FRAME = 8 * 1024 * 1024
const MAX_INFLIGHT = 1024

export interface Frame { id: number, type: number, payload: Uint8Array }

export function encode (f: Frame): Uint8ArrayList {
  const head = new Uint8Array(5)
  new DataView(head.buffer).setUint32(0, f.id)
  head[4] = f.type
  return new Uint8ArrayList(varint.encode(5 + f.payload.byteLength), head, f.payload)
}

export function decoder (): (data: Uint8Array | Uint8ArrayList) => Frame[] {
  const d = new LengthPrefixedDecoder({ maxDataLength: MAX_FRAME, maxBufferSize: MAX_FRAME * 2 + 16 })
  return data => [...d.decode(data)].map(list => {
    const b = list.subarray()
    if (b.byteLength < 5) throw new Error('short floor frame')
    return { id: new DataView(b.buffer, b.byteOffset).getUint32(0), type: b[4], payload: b.subarray(5) }
  })
}

interface Pending { resolve: (f: Frame) => void, reject: (e: Error) => void }

export class FloorChannel {
  private readonly pending = new Map<number, Pending>()
  private nextId = 0

  constructor (private readonly stream: Stream) {
    const decode = decoder()
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        for (const f of decode(evt.data)) {
          const p = this.pending.get(f.id)
          this.pending.delete(f.id)
          p?.resolve(f)
        }
      } catch (err) {
        stream.abort(err as Error)
      }
    })
    stream.addEventListener('close', () => { this.failAll(new Error('floor stream closed')) })
  }

  async request (type: number, payload: Uint8Array, timeoutMs: number): Promise<Frame> {
    if (this.pending.size >= MAX_INFLIGHT) throw new Error(`over ${MAX_INFLIGHT} floor requests in flight`)
    if (this.stream.writeStatus !== 'writable') throw new Error('floor stream not writable')
    this.nextId = (this.nextId + 1) >>> 0
    const id = this.nextId
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`floor: no reply within ${timeoutMs} ms`)) }, timeoutMs)
      this.pending.set(id, {
        resolve: f => { clearTimeout(timer); resolve(f) },
        reject: e => { clearTimeout(timer); reject(e) }
      })
      this.stream.send(encode({ id, type, payload }))
    })
  }

  async close (): Promise<void> {
    this.failAll(new Error('floor channel closed'))
    await this.stream.close().catch(err => { this.stream.abort(err) })
  }

  private failAll (err: Error): void {
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }
}
