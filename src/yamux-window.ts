/**
 * Yamux window updates sent when half the receive window is used, not after
 * every data frame.
 *
 * @libp2p/yamux 8 answers every data frame it receives with a window update
 * frame, whatever was consumed: one more yamux frame, noise message and
 * socket write per message received, and one more to decrypt and parse at
 * the sender. On meshkv's pipelined kv streams (small requests and replies
 * in both directions) that was as many writes again as the data itself.
 * Yamux's own specification (and go-yamux, rust-yamux) leave the timing to
 * the receiver; this sends the update once the window is half used, so the
 * sender always has half a window in hand and never stalls on it. Streams
 * opening or closing (whose frames carry SYN/ACK flags) and paused streams
 * keep the stock behaviour.
 */
import { StreamState, YamuxStream } from '@libp2p/yamux/stream'

interface WindowFields {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
  sendWindowUpdate: () => void
}

const PATCHED = Symbol.for('meshkv.yamux-window')
const proto = YamuxStream.prototype as unknown as WindowFields & { [PATCHED]?: boolean }

if (proto[PATCHED] !== true && typeof proto.sendWindowUpdate === 'function') {
  const stock = proto.sendWindowUpdate
  proto.sendWindowUpdate = function (this: WindowFields) {
    if (this.state === StreamState.Established && this.recvWindowCapacity > this.recvWindow / 2) return
    stock.call(this)
  }
  proto[PATCHED] = true
}
