import { Status } from '../pb/kv.js'
import { encodeRecord } from '../../store/record.js'
import type { Request, Response } from '../pb/kv.js'
import type { KvService } from '../service.js'

export async function handleGet (req: Request, service: KvService): Promise<Partial<Response>> {
  const record = await service.localGet(req.key)
  if (record === undefined) return { status: Status.NOT_FOUND }
  return { status: Status.OK, record: encodeRecord(record) as Uint8Array<ArrayBuffer> }
}
