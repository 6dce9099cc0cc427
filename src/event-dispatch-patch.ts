/**
 * libp2p's event emitters (main-event's TypedEventEmitter, the base of
 * every libp2p stream and connection) build a CustomEvent and dispatch it
 * for every safeDispatchEvent, listened to or not. A stream dispatches
 * 'idle' after every send, at each layer (yamux stream, noise, TCP), where
 * nothing listens: 3% of a coordinating daemon's main thread under one
 * client. This returns at once when the type has no listener, with what
 * dispatchEvent returns then (true: not cancelled), unless the emitter
 * dispatches through a dispatchEvent of its own (libp2p's event bus, which
 * forwards every event to the node's listeners). The emitter is reached
 * through @libp2p/utils' AbstractMessageStream, which extends it.
 */
import { AbstractMessageStream } from '@libp2p/utils'

const PATCHED = Symbol.for('meshkv.event-dispatch-unheard')

interface Emitter {
  listenerCount?: (type: string) => number
  safeDispatchEvent?: (type: string, detail?: unknown) => boolean
  [PATCHED]?: boolean
}

const emitter = Object.getPrototypeOf(AbstractMessageStream.prototype) as Emitter | null

if (emitter != null && emitter[PATCHED] !== true && typeof emitter.safeDispatchEvent === 'function' && typeof emitter.listenerCount === 'function') {
  const stock = emitter.safeDispatchEvent
  const dispatch = EventTarget.prototype.dispatchEvent
  emitter.safeDispatchEvent = function (this: Required<Emitter> & EventTarget, type: string, detail?: unknown): boolean {
    // an emitter whose dispatchEvent is its own sees every event it is
    // given, heard here or not: libp2p's event bus forwards each to the
    // node (whose listeners, 'peer:connect' or 'self:peer:update', no
    // component shares), @libp2p/prometheus-metrics counts a tracked stream's
    if (this.dispatchEvent === dispatch && this.listenerCount(type) === 0) return true
    return stock.call(this, type, detail)
  }
  emitter[PATCHED] = true
}
