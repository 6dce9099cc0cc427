import { PayloadTooLargeError, ProtocolError } from '../../errors.js'
import { encodeRecord, WRITE_ID_BYTES } from '../../store/record.js'
import { Status } from '../pb/kv.js'
import { CONTEXT_WRITE_BYTES, MAX_ACTOR_BYTES, MAX_CONTEXT_WRITES } from '../../version/index.js'
import type { Request, Response } from '../pb/kv.js'
import type { KvService } from '../service.js'
import type { VersionVector } from '../../version/types.js'
import type { Sibling } from '../../store/record.js'
import type { RequestTrace } from '../../observability/request-trace.js'

const MAX_CONTEXT_ENTRIES = 4096
const utf8 = new TextEncoder()

export async function handlePut (req: Request, service: KvService, trace?: RequestTrace): Promise<Partial<Response>> {
  if (req.tombstone === (req.value != null)) throw new ProtocolError('PUT needs exactly one of value and tombstone')
  if (req.value != null && req.value.byteLength > service.maxValueBytes) {
    throw new PayloadTooLargeError(req.value.byteLength, service.maxValueBytes)
  }
  if (req.n < 1 || req.w < 1 || req.w > req.n) throw new ProtocolError(`PUT with bad quorum n=${req.n} w=${req.w}`)
  if (req.context.length > MAX_CONTEXT_ENTRIES) throw new ProtocolError('PUT context too large')
  const context: VersionVector = []
  for (const e of req.context) {
    if (e.counter > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolError('PUT context counter out of range')
    if (e.actor.length === 0) throw new ProtocolError('PUT context with an empty actor')
    // the actor goes into the stored record: bounded as a record's and a client context's are
    if (e.actor.length > MAX_ACTOR_BYTES || utf8.encode(e.actor).byteLength > MAX_ACTOR_BYTES) throw new ProtocolError('PUT context actor too long')
    context.push([e.actor, Number(e.counter)])
  }
  context.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  for (let i = 1; i < context.length; i++) {
    if (context[i][0] === context[i - 1][0]) throw new ProtocolError('PUT context names an actor twice')
  }
  if (req.contextWrites.length > MAX_CONTEXT_WRITES) throw new ProtocolError(`PUT context names ${req.contextWrites.length} writes, over ${MAX_CONTEXT_WRITES}`)
  if (req.contextWrites.some(w => w.byteLength !== CONTEXT_WRITE_BYTES)) throw new ProtocolError(`PUT context write reference not of ${CONTEXT_WRITE_BYTES} bytes`)
  if (req.writeId.byteLength !== 0 && req.writeId.byteLength !== WRITE_ID_BYTES) throw new ProtocolError(`PUT write id of ${req.writeId.byteLength} bytes, not ${WRITE_ID_BYTES}`)
  const sibling: Sibling = { value: req.tombstone ? null : req.value ?? null, timestamp: Date.now() }
  if (req.writeId.byteLength > 0) sibling.writeId = req.writeId
  const outcome = await service.coordinatePut({
    key: req.key,
    sibling,
    context,
    contextWrites: req.contextWrites,
    n: req.n,
    w: req.w,
    timeoutMs: req.timeout,
    trace
  })
  return {
    status: Status.OK,
    acked: outcome.acked,
    record: encodeRecord(outcome.record) as Uint8Array<ArrayBuffer>
  }
}
