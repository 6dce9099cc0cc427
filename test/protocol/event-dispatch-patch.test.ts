/**
 * src/event-dispatch-patch.ts: libp2p's safeDispatchEvent builds no event
 * for a type nothing listens to (every send dispatched 'idle' unheard), and
 * still delivers to listeners, once-listeners included.
 */
import '../../src/shim.js'
import '../../src/event-dispatch-patch.js'
import { createHost } from '../../src/host.js'
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

test('property: any sequence of adds (plain, once, handleEvent objects, AbortSignals), removals (during dispatch too) and dispatches is heard as the stock dispatch hears it', async () => {
  const fc = (await import('fast-check')).default
  const types = ['close', 'drain', 'idle']
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), type: fc.constantFrom(...types), who: fc.integer({ min: 0, max: 3 }), once: fc.boolean(), object: fc.boolean(), signal: fc.boolean(), removes: fc.option(fc.integer({ min: 0, max: 3 })) }),
    fc.record({ kind: fc.constant('remove' as const), type: fc.constantFrom(...types), who: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('abort' as const), who: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('dispatch' as const), type: fc.constantFrom(...types) })
  )
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), ops => {
    const run = (dispatch: (e: InstanceType<typeof Emitter>, type: string, detail: unknown) => boolean): string[] => {
      const e = new Emitter()
      const heard: string[] = []
      const controllers = [0, 1, 2, 3].map(() => new AbortController())
      // one listener function (or object) per (who, type, object), as a caller keeps them to remove them
      const listeners = new Map<string, EventListenerOrEventListenerObject>()
      const listener = (who: number, type: string, object: boolean, removes: number | null): EventListenerOrEventListenerObject => {
        const id = `${who}/${type}/${String(object)}`
        let l = listeners.get(id)
        if (l === undefined) {
          const fn = (evt: Event): void => {
            heard.push(`${id} heard ${evt.type} ${String((evt as CustomEvent).detail)}`)
            if (removes !== null) e.removeEventListener(type, listeners.get(`${removes}/${type}/false`) ?? null)
          }
          l = object ? { handleEvent: fn } : fn
          listeners.set(id, l)
        }
        return l
      }
      let n = 0
      for (const o of ops) {
        if (o.kind === 'add') e.addEventListener(o.type, listener(o.who, o.type, o.object, o.removes), { once: o.once, signal: o.signal ? controllers[o.who].signal : undefined })
        else if (o.kind === 'remove') e.removeEventListener(o.type, listeners.get(`${o.who}/${o.type}/false`) ?? null)
        else if (o.kind === 'abort') controllers[o.who].abort()
        else heard.push(`${o.type} -> ${String(dispatch(e, o.type, { detail: n++ }))}`)
        heard.push(`count ${types.map(t => e.listenerCount(t)).join(',')}`)
      }
      return heard
    }
    const patched = run((e, type, detail) => e.safeDispatchEvent(type, detail))
    const stock = run((e, type, detail) => e.dispatchEvent(new CustomEvent(type, detail as CustomEventInit)))
    assert.deepEqual(patched, stock)
  }), { numRuns: 300 })
})

test('libp2p\'s events reach the node\'s listeners when no component listens to them (its bus forwards them from an overridden dispatchEvent)', async () => {
  const a = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  const b = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] })
  try {
    const heard: string[] = []
    // no libp2p component listens to these: only the node's own listeners do
    for (const type of ['peer:connect', 'self:peer:update'] as const) a.addEventListener(type, () => { if (!heard.includes(type)) heard.push(type) })
    await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    await a.peerStore.merge(a.peerId, { metadata: { 'meshkv-test': Uint8Array.of(1) } })
    const deadline = Date.now() + 5_000
    while (heard.length < 2 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
    assert.deepEqual(heard.sort(), ['peer:connect', 'self:peer:update'])
  } finally {
    await a.stop()
    await b.stop()
  }
})
