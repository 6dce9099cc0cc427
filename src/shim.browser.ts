/**
 * The browser's shim.ts (package.json `browser`): a browser has WebSocket;
 * only Promise.withResolvers may be missing in an older one.
 */
const PromiseCtor = Promise as unknown as { withResolvers?: () => unknown }
if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers () {
    let resolve!: (value: unknown) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

export {}
