import { Status } from '../pb/kv.js'
import { encodeRecord } from '../../store/record.js'
import { matchesDigest } from '../record-digest.js'
import type { Request, Response } from '../pb/kv.js'
import type { KvService } from '../service.js'

export async function handleGet (req: Request, service: KvService): Promise<Partial<Response>> {
  const record = await service.localGet(req.key)
  if (record === undefined) return { status: Status.NOT_FOUND }
  const encoded = encodeRecord(record) as Uint8Array<ArrayBuffer>
  // the sender holds this very record: say so rather than send it back (src/protocol/record-digest.ts)
  if (req.digest.byteLength > 0 && matchesDigest(encoded, req.digest)) return { status: Status.OK, same: true }
  return { status: Status.OK, record: encoded }
}
