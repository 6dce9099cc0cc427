/**
 * GET /local/:key: this peer's own replica record of a key, read from its
 * store with no quorum and no read repair (so looking never heals what it
 * looks at), with the key's preference list as this peer sees it. For
 * diagnostics and for tests that check every replica holds the same record.
 * Read-only.
 */
import type { ServerResponse } from 'node:http'
import type { KvRecord, Sibling } from '../store/record.js'
import type { MeshNode } from '../node.js'
import { unreplaced } from '../store/superseded.js'
import { sendJson } from './http-io.js'

export interface SiblingJson {
  /** base64; null for a tombstone */
  value: string | null
  timestamp: number
  /** hex, when the write had an id */
  writeId?: string
  /**
   * true: a late second mint of a write another sibling replaced; readers
   * do not see it and the next write removes it (src/store/superseded.ts)
   */
  replaced?: true
}

export interface RecordJson {
  entries: Array<{ actor: string, counter: number, values: SiblingJson[] }>
  anonymous: SiblingJson[]
}

export interface LocalRecordReply {
  key: string
  peerId: string
  /** the key's replicas in this peer's view, primary first */
  preferenceList: string[]
  /** null: this peer stores nothing for the key */
  record: RecordJson | null
}

const b64 = (v: Uint8Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
const hex = (v: Uint8Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')

function siblingJson (s: Sibling, visible: Set<Sibling>): SiblingJson {
  const out: SiblingJson = { value: s.value === null ? null : b64(s.value), timestamp: s.timestamp }
  if (s.writeId !== undefined && s.writeId.byteLength > 0) out.writeId = hex(s.writeId)
  if (!visible.has(s)) out.replaced = true
  return out
}

export function recordJson (record: KvRecord): RecordJson {
  const visible = new Set(unreplaced(record))
  return {
    entries: record.entries.map(e => ({ actor: e.actor, counter: e.counter, values: e.values.map(s => siblingJson(s, visible)) })),
    anonymous: record.anonymous.map(s => siblingJson(s, visible))
  }
}

export async function getLocal (node: MeshNode, key: string, res: ServerResponse): Promise<void> {
  const record = await node.localRecord(key)
  const reply: LocalRecordReply = { key, peerId: node.peerId, preferenceList: node.preferenceList(key), record: record === undefined ? null : recordJson(record) }
  sendJson(res, 200, reply)
}
