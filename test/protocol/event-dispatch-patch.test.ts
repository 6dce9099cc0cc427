/**
 * src/event-dispatch-patch.ts: libp2p's safeDispatchEvent builds no event
 * for a type nothing listens to (every send dispatched 'idle' unheard), and
 * still delivers to listeners, once-listeners included.
 */
import '../../src/event-dispatch-patch.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AbstractMessageStream } from '@libp2p/utils'

const Emitter = Object.getPrototypeOf(AbstractMessageStream) as new () => EventTarget & {
  safeDispatchEvent: (type: string, detail?: unknown) => boolean
  listenerCount: (type: string) => number
}

test('no listener: no event built; listeners, once-listeners too, still hear theirs', () => {
  const stock = globalThis.CustomEvent
  let built = 0
  globalThis.CustomEvent = class extends stock<unknown> {
    constructor (type: string, init?: CustomEventInit) { super(type, init); built++ }
  } as typeof CustomEvent
  try {
    const e = new Emitter()
    assert.equal(e.safeDispatchEvent('idle'), true)
    assert.equal(built, 0, 'an unheard event was built and dispatched')
    const heard: string[] = []
    e.addEventListener('message', evt => { heard.push(`message ${String((evt as CustomEvent).detail)}`) })
    e.addEventListener('close', () => { heard.push('close') }, { once: true })
    e.safeDispatchEvent('message', { detail: 1 })
    e.safeDispatchEvent('close')
    e.safeDispatchEvent('close')
    assert.deepEqual(heard, ['message 1', 'close'])
  } finally {
    globalThis.CustomEvent = stock
  }
})
