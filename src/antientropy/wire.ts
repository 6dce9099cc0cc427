/**
 * The anti-entropy wire: request types and the bounds both ends apply. A
 * request or reply past a bound is refused with a ProtocolError (a typed
 * ERROR reply on the responder), never built or buffered.
 */
import { MAX_FRAME_BYTES, RECORD_FRAME_HEADROOM } from '../constants.js'
import { Request, Response } from './pb/ae.js'

export const AeRequestType = {
  HASHES: 1,
  KEYS: 2,
  FETCH: 3,
  PUSH: 4
} as const

export function aeRequestTypeName (type: number): string {
  return Object.entries(AeRequestType).find(([, v]) => v === type)?.[0] ?? `type ${type}`
}

/** arcs in one HASHES or KEYS request */
export const MAX_ARCS = 4096
/** sub-arcs an arc may be split into in one HASHES request */
export const MAX_SPLIT = 64
/** summaries in one HASHES reply */
export const MAX_SUMMARIES = 16_384
/** keys one KEYS reply lists (at MAX_KEY_BYTES each, about half a frame) */
export const MAX_LISTED_KEYS = 4096
/** keys in one FETCH request, records in one PUSH request */
export const MAX_KEYS = 4096
/** bytes of records one FETCH reply or PUSH request carries (one record always fits) */
export const RECORDS_BUDGET = MAX_FRAME_BYTES - RECORD_FRAME_HEADROOM
/** the longest a responder works on one request, whatever it asks (ms) */
export const MAX_HANDLER_MS = 60_000

export function decodeRequest (frame: Uint8Array | import('uint8arraylist').Uint8ArrayList): Request {
  return Request.decode(frame, { limits: { arcs: MAX_ARCS, keys: MAX_KEYS, records: MAX_KEYS } })
}

export function decodeResponse (frame: Uint8Array | import('uint8arraylist').Uint8ArrayList): Response {
  return Response.decode(frame, { limits: { summaries: MAX_SUMMARIES, lists: MAX_ARCS, lists$: { keys: MAX_LISTED_KEYS }, records: MAX_KEYS } })
}
