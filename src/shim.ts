/**
 * Node 20 compatibility for the libp2p 3 stack, which targets Node 22+.
 *
 * libp2p 3 calls `Promise.withResolvers` (Node 22) and dials WebSockets through
 * `globalThis.WebSocket` (Node 22). Every entry point (library, daemon, CLI,
 * tests, benchmarks) imports this module first, before anything from libp2p.
 * Nothing newer than these two is used by the stack (checked against 3.3).
 */
import { WebSocket as NodeWebSocket } from 'ws'

interface PromiseWithResolversShim<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseCtor = Promise as unknown as { withResolvers?: <T>() => PromiseWithResolversShim<T> }
if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers<T> (): PromiseWithResolversShim<T> {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

const g = globalThis as unknown as { WebSocket?: unknown }
if (typeof g.WebSocket === 'undefined') {
  g.WebSocket = NodeWebSocket
}

export {}
