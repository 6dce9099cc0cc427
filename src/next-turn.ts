/**
 * Run `fn` once the current turn of the event loop has done its I/O
 * callbacks: Node's setImmediate (the check phase); in a browser, which has
 * none, a task through a MessageChannel (setTimeout(0) may be clamped to
 * 4 ms and more in a background tab).
 */
const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate

let channel: MessageChannel | undefined
const queued: Array<() => void> = []

function viaChannel (fn: () => void): void {
  if (channel === undefined) {
    channel = new MessageChannel()
    channel.port1.onmessage = () => { queued.shift()?.() }
  }
  queued.push(fn)
  channel.port2.postMessage(0)
}

export const nextTurn: (fn: () => void) => void = immediate !== undefined ? fn => { immediate(fn) } : viaChannel
