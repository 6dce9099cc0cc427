/**
 * This peer's incarnation: a number kept in its datastore (so in its data
 * dir) and bumped, durably, on every start before the first announcement.
 * Not taken from the clock: a restart after the clock stepped back must
 * still be newer than everything the cluster heard from the last run.
 */
import { Key } from 'interface-datastore'
import type { Datastore } from 'interface-datastore'

const INCARNATION_KEY = new Key('/meta/incarnation')

/** The stored incarnation plus one, written before it is returned. */
/** Writes a metadata value so that it survives a power loss (RecordStore.putDurable). */
export type DurablePut = (key: string, value: Uint8Array) => Promise<void>

export async function nextIncarnation (datastore: Datastore, durablePut?: DurablePut): Promise<number> {
  let prev = 0
  if (await datastore.has(INCARNATION_KEY)) {
    const text = new TextDecoder().decode(await datastore.get(INCARNATION_KEY))
    const n = Number(text)
    // a damaged record must not send the incarnation backwards: start past anything a clock would have given
    prev = Number.isSafeInteger(n) && n >= 0 ? n : Date.now()
  }
  const next = prev + 1
  const bytes = new TextEncoder().encode(String(next))
  if (durablePut !== undefined) await durablePut(INCARNATION_KEY.toString(), bytes)
  else await datastore.put(INCARNATION_KEY, bytes)
  return next
}
