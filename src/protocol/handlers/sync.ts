import { HintRefusedError, ProtocolError } from '../../errors.js'
import { Status } from '../pb/kv.js'
import { decodeRecord } from '../../store/record.js'
import type { Request, Response } from '../pb/kv.js'
import type { KvService } from '../service.js'

export async function handleSync (req: Request, service: KvService): Promise<Partial<Response>> {
  if (req.record == null) throw new ProtocolError('SYNC without a record')
  if (req.hintFor.length > MAX_HINT_FOR_CHARS) throw new HintRefusedError(`SYNC hint names an owner of ${req.hintFor.length} characters, not a peer id`)
  const record = decodeRecord(req.record, { maxValueBytes: service.maxValueBytes })
  await service.localSync(req.key, record, req.hintFor === '' ? undefined : req.hintFor)
  return { status: Status.OK }
}

/** Longest owner a hint may name (peer ids are about 52 characters). */
const MAX_HINT_FOR_CHARS = 128
