/**
 * A client request's identity as it travels between peers: the request id
 * (logged by every peer that handles it) and the W3C trace context of the
 * sender's span. Both come from outside (an HTTP client, another peer), so
 * both are checked here and a bad one is dropped, never trusted or thrown on.
 */

export interface RequestTrace {
  /** the request's id; `[A-Za-z0-9._:-]`, at most MAX_REQUEST_ID_CHARS; absent when a peer sent a bad one */
  requestId?: string
  /** `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`, or absent */
  traceparent?: string
}

export const MAX_REQUEST_ID_CHARS = 64
const REQUEST_ID = /^[A-Za-z0-9._:-]+$/
// version 00 only; all-zero trace and span ids are invalid (W3C Trace Context)
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
/** random bytes drawn in bulk: one getRandomValues call costs microseconds, and every request needs an id */
const pool = new Uint8Array(4096)
let poolAt = pool.length

/** A fresh id: 16 random bytes as 32 hex characters (the shape of a W3C trace id). */
export function newRequestId (): string {
  if (poolAt + 16 > pool.length) {
    globalThis.crypto.getRandomValues(pool)
    poolAt = 0
  }
  let s = ''
  for (let i = poolAt; i < poolAt + 16; i++) s += HEX[pool[i]]
  poolAt += 16
  return s
}

/** `raw` when it is a well-formed request id, else undefined. */
export function validRequestId (raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_REQUEST_ID_CHARS) return undefined
  return REQUEST_ID.test(raw) ? raw : undefined
}

export interface ParsedTraceparent { traceId: string, spanId: string, flags: number }

/** The parts of a W3C traceparent, or undefined when it is not one. */
export function parseTraceparent (raw: unknown): ParsedTraceparent | undefined {
  if (typeof raw !== 'string' || raw.length !== 55) return undefined
  const m = TRACEPARENT.exec(raw)
  if (m === null || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return undefined
  return { traceId: m[1], spanId: m[2], flags: parseInt(m[3], 16) }
}

export function formatTraceparent (traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, '0')}`
}

/**
 * The trace a peer's message carries, checked: a request id that is
 * malformed or too long is dropped (the handler logs without one), and so is
 * a traceparent that is not W3C's version 00.
 */
export function traceFromWire (requestId: string, traceparent: string): RequestTrace | undefined {
  const id = requestId === '' ? undefined : validRequestId(requestId)
  const parent = traceparent === '' || parseTraceparent(traceparent) === undefined ? undefined : traceparent
  if (id === undefined && parent === undefined) return undefined
  return { requestId: id, traceparent: parent }
}
