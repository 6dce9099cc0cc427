/**
 * Range transfer state kept in the datastore under its own prefix, so a
 * joiner killed mid-transfer resumes: a marker that this peer is joining
 * (its stored tokens are then not yet those of a member), and a cursor per
 * pull (the arcs asked of one holder).
 */
import { Key } from 'interface-datastore'
import type { Datastore } from 'interface-datastore'

const JOINING = new Key('/transfer/joining')
const CURSORS = '/transfer/cursor/'
const LEFT = new Key('/transfer/left')

export interface Cursor {
  /** the last key merged (undefined: none yet) */
  after?: string
  done: boolean
}

export class CursorStore {
  constructor (private readonly datastore: Datastore) {}

  async isJoining (): Promise<boolean> {
    return this.datastore.has(JOINING)
  }

  async setJoining (joining: boolean): Promise<void> {
    if (joining) await this.datastore.put(JOINING, new Uint8Array([1]))
    else await this.datastore.delete(JOINING)
  }

  /** This peer left the cluster with every key pushed: a start on this dir joins afresh. */
  async hasLeft (): Promise<boolean> {
    return this.datastore.has(LEFT)
  }

  async setLeft (left: boolean): Promise<void> {
    if (left) await this.datastore.put(LEFT, new Uint8Array([1]))
    else await this.datastore.delete(LEFT)
  }

  async load (id: string): Promise<Cursor> {
    const key = new Key(CURSORS + id)
    if (!(await this.datastore.has(key))) return { done: false }
    try {
      const parsed = JSON.parse(new TextDecoder().decode(await this.datastore.get(key))) as unknown
      if (typeof parsed === 'object' && parsed !== null) {
        const { after, done } = parsed as Record<string, unknown>
        return { after: typeof after === 'string' ? after : undefined, done: done === true }
      }
    } catch {}
    // an unreadable cursor costs a pull from the start, nothing more
    return { done: false }
  }

  async save (id: string, cursor: Cursor): Promise<void> {
    await this.datastore.put(new Key(CURSORS + id), new TextEncoder().encode(JSON.stringify(cursor)))
  }

  /** Forget every cursor (the join is over). */
  async clear (): Promise<void> {
    for await (const key of this.datastore.queryKeys({ prefix: CURSORS.slice(0, -1) })) await this.datastore.delete(key)
  }
}
