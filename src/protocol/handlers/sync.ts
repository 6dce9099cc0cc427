import { ProtocolError } from '../../errors.js'
import { Status } from '../pb/kv.js'
import { decodeRecord } from '../../store/record.js'
import type { Request, Response } from '../pb/kv.js'
import type { KvService } from '../service.js'

export async function handleSync (req: Request, service: KvService): Promise<Partial<Response>> {
  if (req.record == null) throw new ProtocolError('SYNC without a record')
  const record = decodeRecord(req.record, { maxValueBytes: service.maxValueBytes })
  await service.localSync(req.key, record)
  return { status: Status.OK }
}
